import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '../stop-gradient.js';
import { branchDistributions } from './branch-distributions.js';
import type { DdlConfig } from './ddl-config.js';
import { klDivergence } from './kl-divergence.js';
import { orderLoss } from './order-loss.js';
import { binCenters } from './soft-histogram.js';

/** The four DDL branches as raw embeddings [n, d] (normalised inside). Teacher = easy, student = hard. */
export type DdlBranches = {
  teacherSingles: tf.Tensor2D; // b easy images of b distinct identities (teacher negatives)
  studentSingles: tf.Tensor2D; // b hard images of b distinct identities (student negatives)
  teacherPairs: [tf.Tensor2D, tf.Tensor2D]; // easy positive pairs (teacher positives)
  studentPairs: [tf.Tensor2D, tf.Tensor2D]; // positive pairs with a hard image (student positives)
};

export type DdlBranchSummary = {
  posMean: tf.Scalar; // E[S+] over the kept pairs
  negMean: tf.Scalar; // E[S-] over the hardest negatives
  posKept: tf.Scalar; // number of pairs above positiveThreshold
};

export type DdlTerms = {
  total: tf.Scalar; // lambdaPos * posKL + lambdaNeg * negKL + lambdaOrder * order
  posKL: tf.Scalar; // KL(P+ || Q+), P = teacher, Q = student
  negKL: tf.Scalar; // KL(P- || Q-)
  order: tf.Scalar; // sum over j, k in {teacher, student} of E[S-_j] - E[S+_k]
  teacher: DdlBranchSummary;
  student: DdlBranchSummary;
  histograms: { teacherPos: tf.Tensor1D; teacherNeg: tf.Tensor1D; studentPos: tf.Tensor1D; studentNeg: tf.Tensor1D };
};

/**
 * Distribution Distillation Loss (Huang et al., ECCV 2020) for one step's four branches. Without the
 * classification terms; the trainer adds those. Every returned tensor is new: dispose them (or tidy).
 */
export function ddlLoss(branches: DdlBranches, config: DdlConfig): DdlTerms {
  checkBranchShapes(branches);
  return tf.tidy(() => {
    const centers = binCenters(config.bins);
    const teacher = branchDistributions(branches.teacherSingles, branches.teacherPairs, centers, config);
    const student = branchDistributions(branches.studentSingles, branches.studentPairs, centers, config);
    // 'stop' makes the teacher histograms fixed targets; the order term still sees the teacher means.
    const target = config.teacherGradient === 'stop' ? stopGradient : <T extends tf.Tensor>(x: T) => x;
    const teacherPos = target(teacher.posHistogram);
    const teacherNeg = target(teacher.negHistogram);
    const posKL = klDivergence(teacherPos, student.posHistogram);
    const negKL = klDivergence(teacherNeg, student.negHistogram);
    const order = orderLoss([teacher.negMean, student.negMean], [teacher.posMean, student.posMean]);
    const total = tf.addN([
      posKL.mul(config.lambdaPos),
      negKL.mul(config.lambdaNeg),
      order.mul(config.lambdaOrder),
    ]) as tf.Scalar;
    return {
      total,
      posKL,
      negKL,
      order,
      teacher: { posMean: teacher.posMean, negMean: teacher.negMean, posKept: teacher.posKept },
      student: { posMean: student.posMean, negMean: student.negMean, posKept: student.posKept },
      histograms: { teacherPos, teacherNeg, studentPos: student.posHistogram, studentNeg: student.negHistogram },
    };
  });
}

function checkBranchShapes(branches: DdlBranches): void {
  const named: [string, tf.Tensor][] = [
    ['teacherSingles', branches.teacherSingles],
    ['studentSingles', branches.studentSingles],
    ['teacherPairs[0]', branches.teacherPairs[0]],
    ['teacherPairs[1]', branches.teacherPairs[1]],
    ['studentPairs[0]', branches.studentPairs[0]],
    ['studentPairs[1]', branches.studentPairs[1]],
  ];
  const dim = branches.teacherSingles.shape[1];
  for (const [name, t] of named) {
    if (t.rank !== 2) throw new Error(`ddlLoss: ${name} must be [n, embeddingDim], got shape [${t.shape.join(', ')}]`);
    if (t.shape[1] !== dim)
      throw new Error(
        `ddlLoss: ${name} has embedding size ${t.shape[1]}, teacherSingles has ${dim}; all branches must match`,
      );
  }
  for (const name of ['teacherSingles', 'studentSingles'] as const) {
    if (branches[name].shape[0] < 2)
      throw new Error(
        `ddlLoss: ${name} has ${branches[name].shape[0]} row(s); hardest negatives need at least 2 identities`,
      );
  }
  for (const name of ['teacherPairs', 'studentPairs'] as const) {
    const [first, second] = branches[name];
    if (first.shape[0] < 1)
      throw new Error(`ddlLoss: ${name} is empty; the positive distribution needs at least 1 pair`);
    if (first.shape[0] !== second.shape[0])
      throw new Error(`ddlLoss: ${name} halves differ in length (${first.shape[0]} vs ${second.shape[0]})`);
  }
}
