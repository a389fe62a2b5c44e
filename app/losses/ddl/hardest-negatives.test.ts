import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../util/random.js';
import { l2NormalizeRows } from '../normalize.js';
import { checkGradient, expectClose, randomNormals } from '../test-utils.js';
import { hardestNegatives } from './hardest-negatives.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// a = (1, 0), b = (0.6, 0.8), c = (-1, 0): cos(a, b) = 0.6, cos(a, c) = -1, cos(b, c) = -0.6.
const singles = () =>
  tf.tensor2d([
    [1, 0],
    [0.6, 0.8],
    [-1, 0],
  ]);

describe('hardestNegatives', () => {
  it('clean: the most similar other identity for every row', () => {
    expectClose(
      tf.tidy(() => hardestNegatives(singles(), 'clean').dataSync()),
      [0.6, 0.6, -0.6],
      1e-6,
    );
  });

  it('reference: row max of the strict upper triangle, zeros elsewhere (clipped at 0, last row 0)', () => {
    // Row 0 sees (0, 0.6, -1) -> 0.6; row 1 sees (0, 0, -0.6) -> 0; row 2 sees only zeros -> 0.
    expectClose(
      tf.tidy(() => hardestNegatives(singles(), 'reference').dataSync()),
      [0.6, 0, 0],
      1e-6,
    );
  });

  it('needs at least 2 singles', () => {
    expect(() => hardestNegatives(tf.tensor2d([[1, 0]]), 'clean')).toThrow('hardestNegatives: got 1 single(s)');
  });

  it('gradients match finite differences in both modes (through the normalisation)', () => {
    const rng = new Random(3);
    const raw = randomNormals(rng, 5 * 4, 1, [1, 0.5, 0, 0]);
    for (const mode of ['clean', 'reference'] as const) {
      const check = checkGradient(
        (x) =>
          hardestNegatives(l2NormalizeRows(x as tf.Tensor2D), mode)
            .mul(tf.tensor1d([1, -2, 3, 0.5, 1]))
            .sum() as tf.Scalar,
        raw,
        [5, 4],
      );
      expect(check.relativeError, mode).toBeLessThan(2e-3);
    }
  });

  it('custom gradient equals plain tfjs autodiff of the max over the similarity matrix (64 x 32)', () => {
    const rng = new Random(5);
    const raw = randomNormals(rng, 64 * 32, 1, [0.3]);
    const weights = tf.tidy(() => tf.keep(tf.tensor1d(randomNormals(rng, 64))));
    const plain = (mode: 'clean' | 'reference') => (x: tf.Tensor) => {
      const unit = l2NormalizeRows(x as tf.Tensor2D);
      const similarity = tf.matMul(unit, unit, false, true);
      const upper = tf.linalg.bandPart(tf.ones([64, 64]), 0, -1).sub(tf.eye(64));
      const best = mode === 'clean' ? similarity.sub(tf.eye(64).mul(4)).max(1) : similarity.mul(upper).max(1);
      return best.mul(weights).sum() as tf.Scalar;
    };
    const ours = (mode: 'clean' | 'reference') => (x: tf.Tensor) =>
      hardestNegatives(l2NormalizeRows(x as tf.Tensor2D), mode)
        .mul(weights)
        .sum() as tf.Scalar;
    for (const mode of ['clean', 'reference'] as const) {
      tf.tidy(() => {
        const x = tf.tensor2d(raw, [64, 32]);
        expect(ours(mode)(x).dataSync()[0], mode).toBeCloseTo(plain(mode)(x).dataSync()[0] as number, 5);
        const want = tf.grad(plain(mode))(x).dataSync();
        const got = tf.grad(ours(mode))(x).dataSync();
        let diff = 0;
        let norm = 0;
        want.forEach((w, i) => {
          diff += ((got[i] as number) - w) ** 2;
          norm += w ** 2;
        });
        expect(Math.sqrt(diff / norm), mode).toBeLessThan(1e-5);
      });
    }
    weights.dispose();
  });
});
