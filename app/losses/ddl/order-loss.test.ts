import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradient, expectClose } from '../test-utils.js';
import { orderLoss } from './order-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const fromVector = (v: tf.Tensor) => {
  const [tNeg, sNeg, tPos, sPos] = tf.unstack(v) as tf.Scalar[];
  return orderLoss([tNeg!, sNeg!], [tPos!, sPos!]);
};

describe('orderLoss', () => {
  it('sums the four (E[S-_j] - E[S+_k]) terms', () => {
    // (0.2 - 0.7) + (0.2 - 0.5) + (0.3 - 0.7) + (0.3 - 0.5) = -1.4
    expect(tf.tidy(() => fromVector(tf.tensor1d([0.2, 0.3, 0.7, 0.5])).dataSync()[0])).toBeCloseTo(-1.4, 6);
  });

  it('pulls every negative mean down and every positive mean up, with weight 2 each', () => {
    const check = checkGradient(fromVector, [0.2, 0.3, 0.7, 0.5], [4]);
    expect(check.relativeError).toBeLessThan(1e-3);
    expectClose(check.analytic, [2, 2, -2, -2], 1e-6);
  });
});
