import * as tf from '@tensorflow/tfjs';
import type { DdlConfig } from './ddl-config.js';
import { ddlLoss } from './ddl-loss.js';
import { binCenters } from './soft-histogram.js';

/** One branch's embeddings as plain lists: singles of distinct identities, same-identity pairs. */
export type EmbeddingBranch = { singles: number[][]; pairs: [number[], number[]][] };

export type BranchTerms = { posMean: number; negMean: number; posKept: number; pairs: number; singles: number };

/** The DDL terms as plain numbers, so other implementations can be compared term by term. */
export type LossTerms = {
  posKL: number;
  negKL: number;
  order: number;
  total: number; // lambdaPos * posKL + lambdaNeg * negKL + lambdaOrder * order
  teacher: BranchTerms;
  student: BranchTerms;
  histograms: {
    binCenters: number[];
    teacherPos: number[];
    teacherNeg: number[];
    studentPos: number[];
    studentNeg: number[];
  };
};

/**
 * DDL terms of plain embeddings (each branch needs at least 2 singles and 1 pair, all of one
 * length), as the float32 values the loss computes. Runs on whatever tfjs backend is active.
 */
export function lossTerms(teacher: EmbeddingBranch, student: EmbeddingBranch, options: DdlConfig): LossTerms {
  return tf.tidy(() => {
    const matrix = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length]);
    const halves = (branch: EmbeddingBranch): [tf.Tensor2D, tf.Tensor2D] => [
      matrix(branch.pairs.map((p) => p[0])),
      matrix(branch.pairs.map((p) => p[1])),
    ];
    const terms = ddlLoss(
      {
        teacherSingles: matrix(teacher.singles),
        studentSingles: matrix(student.singles),
        teacherPairs: halves(teacher),
        studentPairs: halves(student),
      },
      options,
    );
    const num = (t: tf.Tensor) => t.dataSync()[0] as number;
    const list = (t: tf.Tensor) => Array.from(t.dataSync());
    const branch = (summary: typeof terms.teacher, data: EmbeddingBranch): BranchTerms => ({
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
      teacher: branch(terms.teacher, teacher),
      student: branch(terms.student, student),
      histograms: {
        binCenters: list(binCenters(options.bins)),
        teacherPos: list(terms.histograms.teacherPos),
        teacherNeg: list(terms.histograms.teacherNeg),
        studentPos: list(terms.histograms.studentPos),
        studentNeg: list(terms.histograms.studentNeg),
      },
    };
  });
}
