import * as tf from '@tensorflow/tfjs';

// tfjs has no stop_gradient op: an identity whose gradient is zero does the same job.
const identityWithZeroGradient = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = inputs[0] as tf.Tensor;
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/** The same values as `x`, but no gradient flows back through it (torch's `.detach()`). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return identityWithZeroGradient(x) as T;
}

/**
 * `x > threshold` as a bool tensor, safe inside tf.grad: tfjs has no gradient for Greater (it throws
 * when one sits on the gradient path), but Step has a zero one, and step(x - threshold) > 0 exactly
 * when x > threshold.
 */
export function isGreater(x: tf.Tensor, threshold: number | tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.step(x.sub(threshold)).cast('bool'));
}
