import * as tf from '@tensorflow/tfjs';
import { l2NormalizeRows } from '../normalize.js';
import type { DdlConfig } from './ddl-config.js';
import { expectation } from './expectation.js';
import { hardestNegatives } from './hardest-negatives.js';
import { pairSimilarities, positiveWeights } from './positive-pairs.js';
import { softHistogram } from './soft-histogram.js';

/** One branch's (teacher's or student's) similarity distributions. */
export type BranchDistributions = {
  positives: tf.Tensor1D; // cosine of each pair [p]
  positiveWeights: tf.Tensor1D; // 1 = kept, 0 = dropped by positiveThreshold [p]
  negatives: tf.Tensor1D; // hardest-negative cosine of each single [b]
  posHistogram: tf.Tensor1D; // [R], sums to 1 (all zeros if every pair was dropped)
  negHistogram: tf.Tensor1D; // [R], sums to 1
  posMean: tf.Scalar; // E[S+] over kept pairs
  negMean: tf.Scalar; // E[S-]
  posKept: tf.Scalar; // how many pairs were kept
};

/** Singles [b, d] and pairs ([p, d], [p, d]), raw embeddings, to this branch's distributions. */
export function branchDistributions(
  singles: tf.Tensor2D,
  pairs: readonly [tf.Tensor2D, tf.Tensor2D],
  centers: tf.Tensor1D,
  config: DdlConfig,
): BranchDistributions {
  return tf.tidy(() => {
    const positives = pairSimilarities(l2NormalizeRows(pairs[0]), l2NormalizeRows(pairs[1]));
    const weights = positiveWeights(positives, config.positiveThreshold);
    const negatives = hardestNegatives(l2NormalizeRows(singles), config.compat);
    return {
      positives,
      positiveWeights: weights,
      negatives,
      posHistogram: softHistogram(positives, centers, config.sigma, weights),
      negHistogram: softHistogram(negatives, centers, config.sigma),
      posMean: expectation(positives, weights),
      negMean: expectation(negatives),
      posKept: weights.sum() as tf.Scalar,
    };
  });
}
