import * as tf from '@tensorflow/tfjs';

/** KL(P || Q) = sum_r (P_r + eps) log((P_r + eps) / (Q_r + eps)), eps added to both as the reference does. */
export function klDivergence(p: tf.Tensor1D, q: tf.Tensor1D, eps = 1e-9): tf.Scalar {
  return tf.tidy(() => {
    const pe = p.add(eps);
    return pe.mul(pe.log().sub(q.add(eps).log())).sum() as tf.Scalar;
  });
}
