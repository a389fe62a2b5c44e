import * as tf from '@tensorflow/tfjs';

/**
 * sum over negative branches j and positive branches k of (E[S-_j] - E[S+_k]): with teacher and
 * student on both sides, four terms that push every branch's positives above every branch's negatives.
 */
export function orderLoss(negativeMeans: tf.Scalar[], positiveMeans: tf.Scalar[]): tf.Scalar {
  return tf.tidy(() => {
    const terms = negativeMeans.flatMap((negative) => positiveMeans.map((positive) => negative.sub(positive)));
    return tf.addN(terms) as tf.Scalar;
  });
}
