import * as tf from '@tensorflow/tfjs';

export type NegativesMode = 'clean' | 'reference';

/**
 * For each single [b, d] (L2-normalised, one per identity), the cosine to its most similar other
 * identity. 'clean': max over all j != i. 'reference': the published code's quirk, the row max of the
 * similarity matrix's strict upper triangle with everything else zeroed, so values are clipped at 0
 * and the last row is always 0.
 */
export function hardestNegatives(singles: tf.Tensor2D, mode: NegativesMode): tf.Tensor1D {
  return tf.tidy(() => {
    const count = singles.shape[0];
    const similarity = tf.matMul(singles, singles, false, true);
    if (mode === 'clean') {
      // Push the diagonal below any cosine (>= -1) so the max never picks the item itself.
      return similarity.sub(tf.eye(count).mul(4)).max(1) as tf.Tensor1D;
    }
    const strictUpper = new Float32Array(count * count);
    for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) strictUpper[i * count + j] = 1;
    return similarity.mul(tf.tensor2d(strictUpper, [count, count])).max(1) as tf.Tensor1D;
  });
}
