import * as tf from '@tensorflow/tfjs';
import type { BinsConfig } from './ddl-config.js';
import { gaussianBinCounts } from './gaussian-bin-counts.js';

/** The bin positions t_r = min + r * (max - min) / count, r = 0 .. count - 1, as [count] float32. */
export function binCenters(bins: BinsConfig): tf.Tensor1D {
  const step = (bins.max - bins.min) / bins.count;
  return tf.tensor1d(Float32Array.from({ length: bins.count }, (_, r) => bins.min + r * step));
}

/**
 * Soft histogram of similarities [n] over bins [R]: each similarity s adds weight * exp(-(s - t_r)^2 /
 * (2 sigma^2)) to bin r, and the result is normalised to sum 1. `weights` (0/1, [n]) drops items
 * while keeping shapes fixed. An empty (all-zero-weight) histogram stays all zeros instead of NaN.
 */
export function softHistogram(
  similarities: tf.Tensor1D,
  centers: tf.Tensor1D,
  sigma: number,
  weights?: tf.Tensor1D,
): tf.Tensor1D {
  return tf.tidy(() => {
    const counts = gaussianBinCounts(similarities, centers, sigma, weights ?? tf.onesLike(similarities));
    return counts.div(tf.maximum(counts.sum(), 1e-30)) as tf.Tensor1D;
  });
}
