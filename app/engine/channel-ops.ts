import * as tf from '@tensorflow/tfjs';

// Per-channel statistics and affine maps on NHWC tensors, written with the kernels that are fast
// on tfjs-wasm. Measured on [64,48,48,16]: a [C]-broadcast mul+add takes 4.6 ms and tf.sum over
// [0,1,2] 5.1 ms (both scalar paths with internal transposes), while a 1×1 depthwise conv with
// bias takes 0.6 ms and an average pool over the whole tensor 0.7 ms (XNNPACK).

/** Views [N, C] as [1, N, 1, C] so 2-D features share the 4-D code. */
export function asImage(x: tf.Tensor): tf.Tensor4D {
  if (x.rank === 4) return x as tf.Tensor4D;
  if (x.rank === 2) return x.reshape([1, x.shape[0]!, 1, x.shape[1]!]);
  throw new Error(`expected a rank-2 [N, C] or rank-4 NHWC tensor, got shape [${x.shape}]`);
}

/** Mean of each channel over N, H and W: [C]. */
export function channelMean(x: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    // N and H are adjacent in memory, so one pooling window covers the whole tensor.
    return tf.avgPool(x.reshape([1, n * h, w, c]) as tf.Tensor4D, [n * h, w], 1, 'valid').reshape([c]) as tf.Tensor1D;
  });
}

/** x · scale[c] + shift[c] per channel (shift optional). */
export function channelAffine(x: tf.Tensor4D, scale: tf.Tensor1D, shift?: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => {
    const c = x.shape[3];
    const filter = scale.reshape([1, 1, c, 1]) as tf.Tensor4D;
    return tf.fused.depthwiseConv2d({ x, filter, strides: 1, pad: 'valid', bias: shift });
  });
}
