import * as tf from '@tensorflow/tfjs';

/**
 * a · bᵀ for a [m, k] and b [n, k] (e.g. x · xᵀ, every row's dot product with every row).
 * On wasm the matmul's own transpose flag is ~10x slower than transposing first; the other
 * backends take the flag.
 */
export function matMulTransposeB(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() =>
    tf.getBackend() === 'wasm' ? tf.matMul(a, tf.transpose(b)) : tf.matMul(a, b, false, true),
  ) as tf.Tensor2D;
}
