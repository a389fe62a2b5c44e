import * as tf from '@tensorflow/tfjs';
import { gaussianCountsGradKernelName, gaussianCountsKernelName } from './kernels/gaussian-counts-kernel.js';
import { wasmTrainingKernelsEnabled } from './kernels/wasm/wasm-kernels.js';

/** Whether gaussianBinCounts can run on our fused kernels on the active backend now. */
export function fusedGaussianBinCountsAvailable(): boolean {
  const backend = tf.getBackend();
  if (backend === 'wasm' && !wasmTrainingKernelsEnabled()) return false;
  return (
    tf.getKernel(gaussianCountsKernelName, backend) !== undefined &&
    tf.getKernel(gaussianCountsGradKernelName, backend) !== undefined
  );
}

/**
 * Unnormalised soft counts on our fused kernels (kernels/gaussian-counts-kernel.ts):
 * counts_r = Σ_n w_n exp(−(s_n − t_r)² / (2σ²)), for similarities s [n], bin centres t [R] and
 * 0/1 weights w [n]; the gradient reaches s only (t and w are constants of the loss). Forward and
 * backward are one pass each over the [n × R] kernel, which is never stored. Check
 * fusedGaussianBinCountsAvailable() first.
 */
export function fusedGaussianBinCounts(
  similarities: tf.Tensor1D,
  centers: tf.Tensor1D,
  sigma: number,
  weights: tf.Tensor1D,
): tf.Tensor1D {
  const scale = 1 / (Math.SQRT2 * sigma);
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [s, t, w, save] = inputs as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    save([s, t, w]);
    const counts = tf.engine().runKernel(gaussianCountsKernelName, { s, w, t }, { scale }) as tf.Tensor1D;
    return {
      value: counts,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sSaved, tSaved, wSaved] = saved as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const ds = tf
          .engine()
          .runKernel(gaussianCountsGradKernelName, { s: sSaved, w: wSaved, t: tSaved, dy }, { scale }) as tf.Tensor1D;
        return [ds, tf.zerosLike(tSaved), tf.zerosLike(wSaved)];
      },
    };
  });
  return op(similarities, centers, weights) as tf.Tensor1D;
}
