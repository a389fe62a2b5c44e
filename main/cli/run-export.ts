import { mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { runJson, runSeriesCsv, tensorboardEvents, writeFileWhole } from '../../app/export/index.js';
import type { LabDatabase } from '../../app/lab/lab.js';
import type { Fail } from './command-line.js';

// `ddl-lab runs export RUN --format csv|json|tensorboard [--out FILE|DIR]`: the app/export
// functions, written to a file (through a temporary name, so a failed write leaves no half file),
// a folder (TensorBoard) or stdout.

export const exportFormats = ['csv', 'json', 'tensorboard'] as const;

export function exportRun(
  db: LabDatabase,
  runId: number,
  format: string | undefined,
  out: string | undefined,
  fail: Fail,
): number {
  try {
    return writeExport(db, runId, format, out, fail);
  } catch (error) {
    return fail(`exporting run ${runId} failed: ${(error as Error).message}`, 1);
  }
}

function writeExport(db: LabDatabase, runId: number, format: string | undefined, out: string | undefined, fail: Fail) {
  if (format === undefined) return fail(`runs export needs --format ${exportFormats.join('|')}.`);
  if (!(exportFormats as readonly string[]).includes(format))
    return fail(`--format must be one of ${exportFormats.join(', ')}, got "${format}".`);
  if (format === 'tensorboard') {
    if (out === undefined) return fail('--format tensorboard needs --out DIR: the folder for the event file.');
    if (isFile(out)) return fail(`--out ${out} is a file; TensorBoard needs a folder (it is created if missing).`);
    const file = tensorboardEvents(db, runId, { host: hostname() });
    mkdirSync(out, { recursive: true });
    const path = join(out, file.fileName);
    writeFileWhole(path, file.bytes);
    process.stderr.write(`wrote ${path} (${file.steps} steps); view it with "tensorboard --logdir ${out}"\n`);
    return 0;
  }
  const text = format === 'csv' ? runSeriesCsv(db, runId) : `${JSON.stringify(runJson(db, runId), null, 2)}\n`;
  if (out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  writeFileWhole(out, text);
  process.stderr.write(`wrote ${out}\n`);
  return 0;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
