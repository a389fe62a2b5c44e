import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../engine/random.js';
import { l2NormalizeRows } from '../normalize.js';
import { checkGradient, expectClose, randomNormals } from '../test-utils.js';
import { hardestNegatives } from './hardest-negatives.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// a = (1, 0), b = (0.6, 0.8), c = (-1, 0): cos(a, b) = 0.6, cos(a, c) = -1, cos(b, c) = -0.6.
const singles = () => tf.tensor2d([[1, 0], [0.6, 0.8], [-1, 0]]);

describe('hardestNegatives', () => {
  it('clean: the most similar other identity for every row', () => {
    expectClose(tf.tidy(() => hardestNegatives(singles(), 'clean').dataSync()), [0.6, 0.6, -0.6], 1e-6);
  });

  it('reference: row max of the strict upper triangle, zeros elsewhere (clipped at 0, last row 0)', () => {
    // Row 0 sees (0, 0.6, -1) -> 0.6; row 1 sees (0, 0, -0.6) -> 0; row 2 sees only zeros -> 0.
    expectClose(tf.tidy(() => hardestNegatives(singles(), 'reference').dataSync()), [0.6, 0, 0], 1e-6);
  });

  it('gradients match finite differences in both modes (through the normalisation)', () => {
    const rng = new Random(3);
    const raw = randomNormals(rng, 5 * 4, 1, [1, 0.5, 0, 0]);
    for (const mode of ['clean', 'reference'] as const) {
      const check = checkGradient((x) => hardestNegatives(l2NormalizeRows(x as tf.Tensor2D), mode).mul(tf.tensor1d([1, -2, 3, 0.5, 1])).sum() as tf.Scalar, raw, [5, 4]);
      expect(check.relativeError, mode).toBeLessThan(2e-3);
    }
  });
});
