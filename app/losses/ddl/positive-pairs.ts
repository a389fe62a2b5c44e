import * as tf from '@tensorflow/tfjs';
import { isGreater } from '../stop-gradient.js';

/** Cosine of each pair, from two L2-normalised [p, d] halves: [p]. */
export function pairSimilarities(first: tf.Tensor2D, second: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => first.mul(second).sum(1) as tf.Tensor1D);
}

/**
 * 1 for pairs kept (similarity > threshold), 0 for pairs dropped. The reference drops them with
 * masked_select; a 0/1 weight does the same with fixed shapes (and gives dropped pairs no gradient).
 */
export function positiveWeights(similarities: tf.Tensor1D, threshold: number): tf.Tensor1D {
  return tf.tidy(() => isGreater(similarities, threshold).toFloat() as tf.Tensor1D);
}
