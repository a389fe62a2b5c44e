import * as tf from '@tensorflow/tfjs';
import { fusedSgdAvailable, sgdKernelName } from './kernels/sgd-kernel.js';

export interface SgdUpdateOptions {
  lr: number;
  momentum: number;
  /** Weight decay for this parameter (0 where none applies). */
  decay: number;
}

/**
 * One parameter's SGD-with-momentum step (PyTorch semantics): g' = g + decay·w;
 * v' = momentum·v + g'; w' = w − lr·v'. Returns the new weights and momentum buffer; the caller
 * assigns them. On wasm with our kernels it is one fused pass, elsewhere the same maths as tfjs ops.
 */
export function sgdMomentumUpdate(
  w: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  { lr, momentum, decay }: SgdUpdateOptions,
): { w: tf.Tensor; v: tf.Tensor } {
  if (fusedSgdAvailable()) {
    const [wNext, vNext] = tf
      .engine()
      .runKernel(sgdKernelName, { w, v, g }, { lr, momentum, decay }) as unknown as tf.Tensor[];
    return { w: wNext!, v: vNext! };
  }
  return tf.tidy(() => {
    const decayed = decay > 0 ? g.add(w.mul(decay)) : g;
    const next = momentum > 0 ? v.mul(momentum).add(decayed) : decayed;
    return { w: w.sub(next.mul(lr)), v: next };
  });
}
