import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradient, expectClose } from '../test-utils.js';
import { expectation } from './expectation.js';
import { pairSimilarities, positiveWeights } from './positive-pairs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('positive pairs', () => {
  it('pairSimilarities is the row-wise dot product', () => {
    const sims = tf.tidy(() =>
      pairSimilarities(
        tf.tensor2d([
          [1, 0],
          [0.6, 0.8],
        ]),
        tf.tensor2d([
          [0.6, 0.8],
          [-0.8, 0.6],
        ]),
      ).dataSync(),
    );
    expectClose(sims, [0.6, 0], 1e-6);
  });

  it('positiveWeights drops pairs with similarity <= threshold', () => {
    const sims = [0.5, -0.2, 0, 0.1];
    expect(Array.from(tf.tidy(() => positiveWeights(tf.tensor1d(sims), 0).dataSync()))).toEqual([1, 0, 0, 1]);
    expect(Array.from(tf.tidy(() => positiveWeights(tf.tensor1d(sims), 0.3).dataSync()))).toEqual([1, 0, 0, 0]);
    expect(Array.from(tf.tidy(() => positiveWeights(tf.tensor1d(sims), -1).dataSync()))).toEqual([1, 1, 1, 1]);
  });
});

describe('expectation', () => {
  it('averages only the kept items', () => {
    const sims = () => tf.tensor1d([0.5, -0.2, 0, 0.1]);
    expect(tf.tidy(() => expectation(sims()).dataSync()[0])).toBeCloseTo(0.1, 6);
    expect(tf.tidy(() => expectation(sims(), tf.tensor1d([1, 0, 0, 1])).dataSync()[0])).toBeCloseTo(0.3, 6);
    expect(tf.tidy(() => expectation(sims(), tf.tensor1d([0, 0, 0, 0])).dataSync()[0])).toBe(0);
  });

  it('masked mean: gradient matches finite differences and is 0 for dropped pairs', () => {
    const sims = [0.5, -0.2, 0.7, 0.1];
    const check = checkGradient((s) => expectation(s as tf.Tensor1D, positiveWeights(s as tf.Tensor1D, 0)), sims, [4]);
    expect(check.relativeError).toBeLessThan(2e-3);
    expectClose(check.analytic, [1 / 3, 0, 1 / 3, 1 / 3], 1e-6);
  });
});
