import * as tf from '@tensorflow/tfjs';
import { asImage, channelAffine, channelMean } from './channel-ops.js';
import { fusedChannelKernelsFor } from './kernels/channel-kernels.js';

// BatchNorm for training and inference with an analytic backward pass. Autodiff through
// tf.moments + tf.batchNorm costs ~10 passes over the activations with several slow
// broadcast/reduce kernels on wasm; here forward is 5 fast passes and backward 6, or on wasm with
// C % 4 = 0 our fused kernels (kernels/channel-kernels.ts): 3 passes forward and 2 backward.

export interface BatchNormState {
  /** Scale γ; omitted for a BN with γ fixed at 1 (insightface's embedding BN). */
  gamma?: tf.Tensor1D;
  beta: tf.Tensor1D;
  runningMean: tf.Variable<tf.Rank.R1>;
  runningVar: tf.Variable<tf.Rank.R1>;
  epsilon: number;
  /** PyTorch convention: running = (1 − momentum)·running + momentum·batch. */
  momentum: number;
}

/**
 * BN with batch statistics; updates the running statistics (unbiased variance, as PyTorch).
 * Works on [N, C] or NHWC input; differentiable w.r.t. x, γ and β.
 */
export function batchNormTrain(x: tf.Tensor, state: BatchNormState): tf.Tensor {
  const image = asImage(x);
  const count = image.size / image.shape[3];
  if (count < 2)
    throw new Error(`BatchNorm in training needs more than one value per channel, got input shape [${x.shape}]`);
  const gamma = state.gamma ?? tf.onesLike(state.beta);
  const normalize = fusedChannelKernelsFor(image)
    ? fusedNormalize(state, count)
    : tf.customGrad((...args) => {
        const [xIn, gammaIn, betaIn, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
        const mean = channelMean(xIn);
        const centered = channelAffine(xIn, tf.onesLike(mean), tf.neg(mean));
        const variance = channelMean(tf.square(centered) as tf.Tensor4D);
        const invStd = tf.rsqrt(tf.add(variance, state.epsilon)) as tf.Tensor1D;
        const y = channelAffine(centered, tf.mul(gammaIn, invStd) as tf.Tensor1D, betaIn);
        updateRunning(state, mean, variance, count);
        save([centered, invStd, gammaIn]);
        return {
          value: y,
          gradFunc: (dy, saved) => {
            const [c, s, gm] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
            const dyImage = dy as tf.Tensor4D;
            const meanDy = channelMean(dyImage); // dβ / count
            const meanDyCentered = channelMean(tf.mul(dyImage, c) as tf.Tensor4D); // dγ / (count · invStd)
            const a = tf.mul(gm, s) as tf.Tensor1D;
            // dx = a·dy + b·centered + k with b = −a·s²·mean(dy·centered), k = −a·mean(dy).
            const b = tf.neg(tf.mul(a, tf.mul(tf.square(s), meanDyCentered))) as tf.Tensor1D;
            const k = tf.neg(tf.mul(a, meanDy)) as tf.Tensor1D;
            const dx = tf.add(channelAffine(dyImage, a), channelAffine(c, b, k));
            const dGamma = tf.mul(tf.mul(meanDyCentered, s), count);
            const dBeta = tf.mul(meanDy, count);
            return [dx, dGamma, dBeta];
          },
        };
      });
  const y = normalize(image, gamma, state.beta);
  return x.rank === 4 ? y : y.reshape(x.shape);
}

const run = (kernelName: string, inputs: tf.NamedTensorMap) =>
  tf.engine().runKernel(kernelName, inputs) as unknown as tf.Tensor[] | tf.Tensor;

/** The customGrad BN on the fused wasm kernels; the same maths as above on x and the mean instead of a saved centred copy. */
function fusedNormalize(state: BatchNormState, count: number) {
  return tf.customGrad((...args) => {
    const [xIn, gammaIn, betaIn, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const [sum] = run('LabChannelSums', { x: xIn }) as tf.Tensor[];
    const mean = tf.div(sum!, count) as tf.Tensor1D;
    const [squares] = run('LabChannelCenteredSquares', { x: xIn, mean }) as tf.Tensor[];
    const variance = tf.div(squares!, count) as tf.Tensor1D;
    const invStd = tf.rsqrt(tf.add(variance, state.epsilon)) as tf.Tensor1D;
    const [y] = run('LabChannelNormalize', {
      x: xIn,
      mean,
      scale: tf.mul(gammaIn, invStd),
      shift: betaIn,
    }) as tf.Tensor[];
    updateRunning(state, mean, variance, count);
    save([xIn, mean, invStd, gammaIn]);
    return {
      value: y!,
      gradFunc: (dy, saved) => {
        const [x, m, s, gm] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const [sumDy, sumDyCentered] = run('LabBatchNormGradSums', { dy: dy as tf.Tensor, x, mean: m }) as tf.Tensor[];
        const meanDy = tf.div(sumDy!, count),
          meanDyCentered = tf.div(sumDyCentered!, count);
        const a = tf.mul(gm, s);
        const b = tf.neg(tf.mul(a, tf.mul(tf.square(s), meanDyCentered)));
        const k = tf.neg(tf.mul(a, meanDy));
        const [dx] = run('LabBatchNormGradInput', { dy: dy as tf.Tensor, x, mean: m, a, b, k }) as tf.Tensor[];
        return [dx!, tf.mul(meanDyCentered, tf.mul(s, count)), sumDy!];
      },
    };
  });
}

function updateRunning(state: BatchNormState, mean: tf.Tensor1D, variance: tf.Tensor1D, count: number): void {
  tf.tidy(() => {
    const m = state.momentum;
    state.runningMean.assign(tf.add(tf.mul(state.runningMean, 1 - m), tf.mul(mean, m)));
    const unbiased = tf.mul(variance, count / (count - 1));
    state.runningVar.assign(tf.add(tf.mul(state.runningVar, 1 - m), tf.mul(unbiased, m)));
  });
}

/** BN with the running statistics (inference): one per-channel affine pass. */
export function batchNormInfer(x: tf.Tensor, state: BatchNormState): tf.Tensor {
  return tf.tidy(() => {
    const scale = tf.rsqrt(tf.add(state.runningVar, state.epsilon));
    const gammaScale = (state.gamma ? tf.mul(scale, state.gamma) : scale) as tf.Tensor1D;
    const shift = tf.sub(state.beta, tf.mul(state.runningMean, gammaScale)) as tf.Tensor1D;
    const y = channelAffine(asImage(x), gammaScale, shift);
    return x.rank === 4 ? y : y.reshape(x.shape);
  });
}
