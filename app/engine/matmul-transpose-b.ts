import * as tf from '@tensorflow/tfjs';
import { installedTrainingKernels } from './training-kernels.js';

/**
 * a · bᵀ for a [m, k] and b [n, k] (e.g. x · xᵀ, every row's dot product with every row).
 * tfjs-wasm's stock matmul runs the transpose flag on a scalar loop (~10x slower than transposing
 * first); with our BatchMatMul installed the flag runs our SIMD A·Bᵀ kernel (~2x faster than
 * transpose + XNNPACK at 256 × 512 × 256), or transposes itself where that kernel does not fit.
 * The other backends take the flag.
 */
export function matMulTransposeB(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const stockWasm = tf.getBackend() === 'wasm' && !installedTrainingKernels().includes('wasm/BatchMatMul');
  return tf.tidy(() => (stockWasm ? tf.matMul(a, tf.transpose(b)) : tf.matMul(a, b, false, true))) as tf.Tensor2D;
}
