import * as tf from '@tensorflow/tfjs';
import { asImage, channelAffine, channelMean } from './channel-ops.js';
import { fusedChannelKernelsFor } from './kernels/channel-kernels.js';

// PReLU with a per-channel slope and a backward pass built from fast wasm kernels. The stock
// gradient (greater → where → broadcast mul → sum over [0,1,2]) takes 27 ms on [64,48,48,16];
// step / mul / sub / 1×1 depthwise / average pool do the same in a few, and on wasm with C % 4 = 0
// our fused kernel (kernels/channel-kernels.ts) in one pass.

export function prelu(x: tf.Tensor, alpha: tf.Tensor1D): tf.Tensor {
  const image = asImage(x);
  const count = image.size / image.shape[3];
  const fused = fusedChannelKernelsFor(image);
  const op = tf.customGrad((...args) => {
    const [xIn, slope, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.GradSaveFunc];
    save([xIn, slope]);
    return {
      value: tf.prelu(xIn, slope as unknown as tf.Tensor4D),
      gradFunc: (dy, saved) => {
        const [xs, a] = saved as [tf.Tensor4D, tf.Tensor1D];
        if (fused)
          return tf
            .engine()
            .runKernel('LabPReluGrad', { dy: dy as tf.Tensor, x: xs, alpha: a }) as unknown as tf.Tensor[];
        const dyPos = tf.mul(dy, tf.step(xs)) as tf.Tensor4D; // step(x) = 1 where x > 0, else 0
        const dyNeg = tf.sub(dy, dyPos) as tf.Tensor4D;
        const dx = tf.add(dyPos, channelAffine(dyNeg, a));
        const dAlpha = tf.mul(channelMean(tf.mul(dyNeg, xs) as tf.Tensor4D), count);
        return [dx, dAlpha];
      },
    };
  });
  const y = op(image, alpha);
  return x.rank === 4 ? y : y.reshape(x.shape);
}
