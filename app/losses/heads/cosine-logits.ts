import * as tf from '@tensorflow/tfjs';
import { l2NormalizeColumns, l2NormalizeRows } from '../normalize.js';

/** cos(theta) between each embedding and each class centre, [batch, classes], clipped to [-1, 1]. */
export function cosineLogits(embeddings: tf.Tensor2D, classWeights: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(
    () => tf.matMul(l2NormalizeRows(embeddings), l2NormalizeColumns(classWeights)).clipByValue(-1, 1) as tf.Tensor2D,
  );
}

/** One-hot rows of the labels, float32 [batch, classes]. */
export function labelMask(labels: tf.Tensor1D, classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(labels.toInt(), classes).toFloat() as tf.Tensor2D);
}

/** Each row's cosine to its own class, [batch, 1]. */
export function targetCosine(cosine: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => cosine.mul(mask).sum(1, true) as tf.Tensor2D);
}

/** `cosine` with each row's target column replaced by `target` [batch, 1]. */
export function withTarget(cosine: tf.Tensor2D, mask: tf.Tensor2D, target: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => cosine.mul(tf.scalar(1).sub(mask)).add(mask.mul(target)) as tf.Tensor2D);
}

// sqrt(1 - cos^2) with its argument kept off 0, so the gradient stays finite at cos = +-1.
export function sineOf(cosine: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sqrt(tf.maximum(tf.scalar(1).sub(cosine.square()), 1e-9)));
}
