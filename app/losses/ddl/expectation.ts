import * as tf from '@tensorflow/tfjs';

/** E[S] over the items with weight 1 (all items when no weights); 0 when every weight is 0. */
export function expectation(similarities: tf.Tensor1D, weights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    if (!weights) return similarities.mean() as tf.Scalar;
    return similarities.mul(weights).sum().div(tf.maximum(weights.sum(), 1)) as tf.Scalar;
  });
}
