import * as tf from '@tensorflow/tfjs';
import { fusedGaussianBinCounts, fusedGaussianBinCountsAvailable } from '../../engine/gaussian-bin-counts.js';

/**
 * Unnormalised soft counts: counts_r = sum_n w_n exp(-(s_n - t_r)^2 / (2 sigma^2)), for similarities
 * s [n], bin centres t [R] and 0/1 weights w [n]. A custom gradient keeps the cost of the [n x R] kernel
 * to the forward pass: tfjs's own autodiff would replay half a dozen [n x R] ops backwards, here the
 * backward is one [n x R] x [R x 2] matmul over the saved kernel:
 *   d counts_r / d s_n = w_n K_nr (t_r - s_n) / sigma^2,
 *   so ds_n = (w_n / sigma^2) * ((K (g * t))_n - s_n (K g)_n).
 * Weights and centres get no gradient (they are constants for the loss). Where app/engine has its
 * fused kernels (wasm, cpu) those run instead: one pass forward, one backward, nothing [n x R] kept.
 */
export function gaussianBinCounts(
  similarities: tf.Tensor1D,
  centers: tf.Tensor1D,
  sigma: number,
  weights: tf.Tensor1D,
): tf.Tensor1D {
  if (fusedGaussianBinCountsAvailable()) return fusedGaussianBinCounts(similarities, centers, sigma, weights);
  return composedGaussianBinCounts(similarities, centers, sigma, weights);
}

/** The same counts and gradient from tfjs ops (the fused kernels' reference in tests). */
export function composedGaussianBinCounts(
  similarities: tf.Tensor1D,
  centers: tf.Tensor1D,
  sigma: number,
  weights: tf.Tensor1D,
): tf.Tensor1D {
  const scale = 1 / (Math.SQRT2 * sigma);
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [s, t, w, save] = inputs as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    // (s_n - t_r) * scale as a rank-2 matmul [s * scale, 1] @ [1; -t * scale]: the same numbers as a
    // broadcast subtraction, but tfjs-cpu runs broadcasting binary ops ~5x slower than matmul here.
    const offsets = tf.matMul(
      tf.stack([s.mul(scale), tf.onesLike(s)], 1) as tf.Tensor2D,
      tf.stack([tf.onesLike(t), t.mul(-scale)], 0) as tf.Tensor2D,
    );
    const kernel = tf.exp(tf.neg(tf.square(offsets))) as tf.Tensor2D;
    save([kernel, s, t, w]);
    const counts = tf.matMul(w.reshape([1, -1]), kernel).reshape([-1]);
    return {
      value: counts,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [k, sSaved, tSaved, wSaved] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const both = tf.matMul(k, tf.stack([dy.mul(tSaved), dy], 1) as tf.Tensor2D); // [n, 2]
        const [kernelDotGT, kernelDotG] = tf.split(both, 2, 1).map((column) => column.reshape([-1]));
        const ds = kernelDotGT!
          .sub(sSaved.mul(kernelDotG!))
          .mul(wSaved)
          .mul(1 / (sigma * sigma));
        return [ds, tf.zerosLike(tSaved), tf.zerosLike(wSaved)];
      },
    };
  });
  return op(similarities, centers, weights) as tf.Tensor1D;
}
