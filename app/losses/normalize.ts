import * as tf from '@tensorflow/tfjs';

// Below this squared norm a vector counts as zero: it maps to zero instead of NaN (like torch F.normalize).
const MIN_SQUARED_NORM = 1e-24;

/** Each row scaled to unit L2 norm; zero rows stay zero and pass no gradient through the norm. */
export function l2NormalizeRows<T extends tf.Tensor2D>(x: T): T {
  return normalizeAlong(x, 1);
}

/** Each column scaled to unit L2 norm (class weights are stored [embDim, classes]). */
export function l2NormalizeColumns<T extends tf.Tensor2D>(x: T): T {
  return normalizeAlong(x, 0);
}

/**
 * y = x·r with r = 1 / sqrt(max(Σ x², eps)) along `axis`. The analytic gradient
 * dx = r·(g − y·Σ(g·y)) (the last term only where the norm is above eps, as the max passes no
 * gradient there) is 5 ops; tfjs's autodiff of the forward ops takes ~4× longer on wasm, and the
 * DDL loss normalises six [b, d] matrices per step.
 */
function normalizeAlong<T extends tf.Tensor2D>(x: T, axis: 0 | 1): T {
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = inputs as [tf.Tensor2D, tf.GradSaveFunc];
    const squares = input.square().sum(axis, true);
    const inverse = tf.rsqrt(tf.maximum(squares, MIN_SQUARED_NORM));
    const y = input.mul(inverse);
    const aboveEps = tf.greaterEqual(squares, MIN_SQUARED_NORM).cast('float32');
    save([y, inverse, aboveEps]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ySaved, inverseSaved, mask] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const along = dy.mul(ySaved).sum(axis, true).mul(mask);
        return dy.sub(ySaved.mul(along)).mul(inverseSaved);
      },
    };
  });
  return op(x) as T;
}
