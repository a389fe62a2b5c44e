// `ddl-lab metrics --scores FILE.csv`: read a score file, compute the verification report and the
// failures, and say plainly what went wrong when the file cannot be used.
import { readFileSync } from 'node:fs';
import { mineFailures } from './failures.js';
import type { FailurePair, FailureReport, VerificationReport } from './report-types.js';
import { parseScoresCsv, ScoresLineTooLongError, type CsvProblem, type ParsedScores } from './scores-csv.js';
import { computeVerificationReport } from './verification-report.js';
import type { VerificationOptionsInput } from './verification-options.js';

export type CsvFailurePair = FailurePair & { line: number };

export interface ScoresFileMetrics {
  file: string;
  input: {
    /** Pairs read. */
    pairs: number;
    /** Non-blank lines, header included. */
    dataLines: number;
    header: string[] | null;
    hasTypes: boolean;
    /** Bad lines skipped, and the first 100 of them. */
    skipped: number;
    problems: CsvProblem[];
    notes: string[];
  };
  report: VerificationReport;
  /** Failures at FAR 1e-2 on all pairs; null when there are no impostor pairs (reason in input.notes). */
  failures:
    | (Omit<FailureReport, 'falseRejects' | 'falseAccepts'> & {
        falseRejects: CsvFailurePair[];
        falseAccepts: CsvFailurePair[];
      })
    | null;
}

export type ScoresFileResult = { ok: true; metrics: ScoresFileMetrics } | { ok: false; message: string };

export interface ScoresFileOptions extends VerificationOptionsInput {
  /** Failures kept per kind and pair type (default 20). */
  failureLimit?: number;
}

export function metricsFromScoresFile(file: string, options: ScoresFileOptions = {}): ScoresFileResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    return {
      ok: false,
      message: `cannot read scores file "${file}": ${why}. Give a CSV file with lines score,label[,type].`,
    };
  }
  let parsed: ParsedScores;
  try {
    parsed = parseScoresCsv(text, { delimiter: /\.(tsv|tab)$/i.test(file) ? '\t' : undefined });
  } catch (error) {
    if (error instanceof ScoresLineTooLongError) return { ok: false, message: `"${file}" ${error.message}` };
    throw error;
  }
  if (parsed.scores.length === 0) {
    const detail =
      parsed.dataLines === 0
        ? 'it has no data lines'
        : `none of its ${parsed.dataLines} lines is a valid score,label[,type] line (${parsed.skipped} bad)`;
    return {
      ok: false,
      message: `no valid score lines in "${file}": ${detail}. Each line needs score,label[,type] with label 1 (genuine) or 0 (impostor).`,
    };
  }
  const { failureLimit = 20, ...verificationOptions } = options;
  const report = computeVerificationReport(parsed.scores, parsed.labels, parsed.types, verificationOptions);
  const notes = [...parsed.notes];
  let failures: ScoresFileMetrics['failures'] = null;
  if (report.overall.impostor > 0) {
    const mined = mineFailures(parsed.scores, parsed.labels, parsed.types, { limit: failureLimit });
    const withLine = (f: FailurePair): CsvFailurePair => ({ ...f, line: parsed.lines[f.pair]! });
    failures = {
      ...mined,
      falseRejects: mined.falseRejects.map(withLine),
      falseAccepts: mined.falseAccepts.map(withLine),
    };
  } else {
    notes.push('no failure list: without impostor pairs no threshold gives FAR 1e-2');
  }
  return {
    ok: true,
    metrics: {
      file,
      input: {
        pairs: parsed.scores.length,
        dataLines: parsed.dataLines,
        header: parsed.header,
        hasTypes: parsed.types !== null,
        skipped: parsed.skipped,
        problems: parsed.problems,
        notes,
      },
      report,
      failures,
    },
  };
}
