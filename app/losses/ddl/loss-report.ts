import * as tf from '@tensorflow/tfjs';
import { parseDdlConfig, type DdlConfig, type DdlConfigInput } from './ddl-config.js';
import { ddlLoss } from './ddl-loss.js';
import { LossInputError, type LossInput, type LossInputBranch } from './loss-input.js';
import { binCenters } from './soft-histogram.js';

type BranchReport = { posMean: number; negMean: number; posKept: number; pairs: number; singles: number };

/** `ddl-lab loss` output: plain numbers, so other implementations can be compared term by term. */
export type LossReport = {
  posKL: number;
  negKL: number;
  order: number;
  total: number; // lambdaPos * posKL + lambdaNeg * negKL + lambdaOrder * order
  teacher: BranchReport;
  student: BranchReport;
  histograms: {
    binCenters: number[];
    teacherPos: number[];
    teacherNeg: number[];
    studentPos: number[];
    studentNeg: number[];
  };
  options: DdlConfig;
};

/**
 * DDL terms for checked input. `overrides` (e.g. the CLI's --compat) win over the file's options.
 * Runs on whatever tfjs backend is active.
 */
export function computeLossReport(input: LossInput, source: string, overrides: DdlConfigInput = {}): LossReport {
  const fileOptions =
    typeof input.options === 'object' && input.options !== null && !Array.isArray(input.options) ? input.options : null;
  if (!fileOptions)
    throw new LossInputError(
      `${source}: options must be an object of DDL options, got ${JSON.stringify(input.options)}`,
    );
  let options: DdlConfig;
  try {
    options = parseDdlConfig({ ...fileOptions, ...overrides }, `${source}: options`);
  } catch (error) {
    throw new LossInputError((error as Error).message);
  }
  const report = tf.tidy(() => {
    const matrix = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length]);
    const halves = (branch: LossInputBranch): [tf.Tensor2D, tf.Tensor2D] => [
      matrix(branch.pairs.map((p) => p[0])),
      matrix(branch.pairs.map((p) => p[1])),
    ];
    const terms = ddlLoss(
      {
        teacherSingles: matrix(input.teacher.singles),
        studentSingles: matrix(input.student.singles),
        teacherPairs: halves(input.teacher),
        studentPairs: halves(input.student),
      },
      options,
    );
    const num = (t: tf.Tensor) => shortestFloat32(t.dataSync()[0] as number);
    const list = (t: tf.Tensor) => Array.from(t.dataSync(), shortestFloat32);
    const branch = (summary: typeof terms.teacher, data: LossInputBranch): BranchReport => ({
      posMean: num(summary.posMean),
      negMean: num(summary.negMean),
      posKept: num(summary.posKept),
      pairs: data.pairs.length,
      singles: data.singles.length,
    });
    return {
      posKL: num(terms.posKL),
      negKL: num(terms.negKL),
      order: num(terms.order),
      total: num(terms.total),
      teacher: branch(terms.teacher, input.teacher),
      student: branch(terms.student, input.student),
      histograms: {
        binCenters: list(binCenters(options.bins)),
        teacherPos: list(terms.histograms.teacherPos),
        teacherNeg: list(terms.histograms.teacherNeg),
        studentPos: list(terms.histograms.studentPos),
        studentNeg: list(terms.histograms.studentNeg),
      },
      options,
    };
  });
  for (const name of ['teacher', 'student'] as const) {
    if (report[name].posKept === 0) {
      throw new LossInputError(
        `${source}: all ${report[name].pairs} ${name} pairs have cosine <= positiveThreshold (${options.positiveThreshold}); ` +
          `nothing is left for the ${name} positive distribution (check the pairs, or lower options.positiveThreshold)`,
      );
    }
  }
  return report;
}

/**
 * The shortest decimal that reads back as the same float32 (0.0010000000474974513 -> 0.001): every
 * number here is float32, so nothing is lost and the JSON stays readable.
 */
export function shortestFloat32(x: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return Number(x.toPrecision(9));
}

/** The report as indented JSON with each list of numbers on one line. */
export function formatLossReport(report: LossReport): string {
  return JSON.stringify(report, null, 2).replace(
    /\[\s+([^[\]{}"]*?)\s+\]/g,
    (_, inner: string) => `[${inner.replace(/\s+/g, '')}]`,
  );
}
