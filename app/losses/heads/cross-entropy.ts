import * as tf from '@tensorflow/tfjs';

/** Mean softmax cross-entropy of logits [batch, classes] against int32 labels [batch]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const mask = tf.oneHot(labels.toInt(), logits.shape[1]).toFloat();
    return tf.logSoftmax(logits).mul(mask).sum(1).mean().neg() as tf.Scalar;
  });
}
