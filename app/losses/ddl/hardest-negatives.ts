import * as tf from '@tensorflow/tfjs';
import { gatherRows } from '../../engine/gather-rows.js';
import { matMulTransposeB } from '../../engine/matmul-transpose-b.js';

export type NegativesMode = 'clean' | 'reference';

/**
 * For each single [b, d] (L2-normalised, one per identity), the cosine to its most similar other
 * identity. 'clean': max over all j != i. 'reference': the published code's quirk, the row max of the
 * similarity matrix's strict upper triangle with everything else zeroed, so values are clipped at 0
 * and the last row is always 0.
 *
 * A custom gradient uses that the max picks one partner j(i) per row: dx_i += g_i x_j(i) and
 * dx_j(i) += g_i x_i, O(b d) instead of two more b x b x d matmuls through the similarity matrix.
 */
export function hardestNegatives(singles: tf.Tensor2D, mode: NegativesMode): tf.Tensor1D {
  const count = singles.shape[0];
  if (count < 2)
    throw new Error(`hardestNegatives: got ${count} single(s); a hardest negative needs at least 2 identities`);
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = inputs as [tf.Tensor2D, tf.GradSaveFunc];
    const similarity = matMulTransposeB(x, x);
    const candidates =
      mode === 'clean' ? similarity.add(selfExclusion(count)) : similarity.mul(strictUpperTriangle(count));
    const value = candidates.max(1) as tf.Tensor1D;
    const partner = candidates.argMax(1) as tf.Tensor1D;
    // In reference mode a row whose max is one of the zeroed entries has no partner, so no gradient.
    const live = mode === 'clean' ? tf.onesLike(value) : tf.step(value);
    save([x, partner, live]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [rows, index, alive] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
        const g = dy.mul(alive).reshape([-1, 1]);
        const toSelf = g.mul(gatherRows(rows, index));
        const toPartner = tf.scatterND(index.reshape([-1, 1]), g.mul(rows), rows.shape); // sums repeated partners
        return toSelf.add(toPartner);
      },
    };
  });
  return op(singles) as tf.Tensor1D;
}

// -4 on the diagonal: below any cosine (>= -1), so a row never picks itself.
function selfExclusion(count: number): tf.Tensor2D {
  return tf.tidy(() => tf.eye(count).mul(-4) as tf.Tensor2D);
}

function strictUpperTriangle(count: number): tf.Tensor2D {
  const mask = new Float32Array(count * count);
  for (let i = 0; i < count; i++) mask.fill(1, i * count + i + 1, (i + 1) * count);
  return tf.tensor2d(mask, [count, count]);
}
