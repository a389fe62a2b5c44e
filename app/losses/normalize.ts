import * as tf from '@tensorflow/tfjs';

// Below this squared norm a vector counts as zero: it maps to zero instead of NaN (like torch F.normalize).
const MIN_SQUARED_NORM = 1e-24;

/** Each row scaled to unit L2 norm; zero rows stay zero and pass no gradient through the norm. */
export function l2NormalizeRows<T extends tf.Tensor2D>(x: T): T {
  return tf.tidy(() => x.mul(tf.rsqrt(tf.maximum(x.square().sum(1, true), MIN_SQUARED_NORM)))) as T;
}

/** Each column scaled to unit L2 norm (class weights are stored [embDim, classes]). */
export function l2NormalizeColumns<T extends tf.Tensor2D>(x: T): T {
  return tf.tidy(() => x.mul(tf.rsqrt(tf.maximum(x.square().sum(0, true), MIN_SQUARED_NORM)))) as T;
}
