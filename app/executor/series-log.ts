import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

// The append-only series files of a bundle (metrics.jsonl, histograms.jsonl): one JSON object a
// line. Each worker start first appends `{"attempt":k,"resumeFrom":s}`; then one `{"step":n,...}`
// line per step. A killed attempt leaves lines after its last checkpoint, and perhaps a torn last
// line; the next attempt replays those steps from the checkpoint. Reading applies the same rule
// as the lab's rewind: an attempt line drops every step after `resumeFrom` read so far, so each
// step ends with the value of the attempt that kept it, never twice, and none is lost.

export interface AttemptLine {
  attempt: number;
  resumeFrom: number;
}

export class SeriesLogWriter {
  private readonly fd: number;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'a');
    // A torn last line of a killed attempt must not swallow the next line.
    if (existsSync(file) && !endsWithNewline(file)) writeSync(this.fd, '\n');
  }

  startAttempt(line: AttemptLine): void {
    this.append(line);
  }

  append(value: object): void {
    writeSync(this.fd, `${JSON.stringify(value)}\n`);
  }

  /** Before a checkpoint is published: the lines up to its step are on disk. */
  sync(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function endsWithNewline(file: string): boolean {
  const text = readFileSync(file);
  return text.length === 0 || text[text.length - 1] === 0x0a;
}

/**
 * The lines of a series file that belong to the run, by step (ascending), after the rewinds of
 * later attempts. Unparseable lines (a torn write at a kill) are skipped and counted.
 */
export function readSeriesLog<T extends { step: number }>(
  file: string,
): { steps: T[]; attempts: number; skipped: number } {
  if (!existsSync(file)) return { steps: [], attempts: 0, skipped: 0 };
  const byStep = new Map<number, T>();
  let attempts = 0;
  let skipped = 0;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (text.trim() === '') continue;
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch {
      skipped += 1;
      continue;
    }
    if (typeof line !== 'object' || line === null) {
      skipped += 1;
      continue;
    }
    const l = line as Partial<AttemptLine> & { step?: unknown };
    if (typeof l.attempt === 'number' && typeof l.resumeFrom === 'number') {
      attempts += 1;
      for (const step of [...byStep.keys()]) if (step > l.resumeFrom) byStep.delete(step);
    } else if (typeof l.step === 'number' && Number.isInteger(l.step)) {
      byStep.set(l.step, line as T);
    } else {
      skipped += 1;
    }
  }
  return { steps: [...byStep.values()].sort((a, b) => a.step - b.step), attempts, skipped };
}

/** One line of a series file as the incremental import applies it, in file order. */
export type SeriesEntry<T> = { attempt: AttemptLine } | { line: T };

/**
 * The complete lines of a series file from byte `offset` on (a line still being written is left
 * for the next read), and the offset after them. Lines are interpreted as readSeriesLog does.
 */
export function readSeriesLinesFrom<T extends { step: number }>(
  file: string,
  offset: number,
): { entries: SeriesEntry<T>[]; end: number; skipped: number } {
  if (!existsSync(file)) return { entries: [], end: offset, skipped: 0 };
  const bytes = readFileSync(file);
  const last = bytes.lastIndexOf(0x0a);
  if (last < offset) return { entries: [], end: offset, skipped: 0 };
  const entries: SeriesEntry<T>[] = [];
  let skipped = 0;
  for (const text of bytes
    .subarray(offset, last + 1)
    .toString('utf8')
    .split('\n')) {
    if (text.trim() === '') continue;
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch {
      skipped += 1;
      continue;
    }
    const l = (typeof line === 'object' && line !== null ? line : {}) as Partial<AttemptLine> & { step?: unknown };
    if (typeof l.attempt === 'number' && typeof l.resumeFrom === 'number')
      entries.push({ attempt: { attempt: l.attempt, resumeFrom: l.resumeFrom } });
    else if (typeof l.step === 'number' && Number.isInteger(l.step)) entries.push({ line: line as T });
    else skipped += 1;
  }
  return { entries, end: last + 1, skipped };
}
