import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradient } from '../test-utils.js';
import { klDivergence } from './kl-divergence.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const kl = (p: number[], q: number[]) =>
  tf.tidy(() => klDivergence(tf.tensor1d(p), tf.tensor1d(q)).dataSync()[0] as number);

describe('klDivergence', () => {
  it('matches KL(P || Q) worked by hand', () => {
    // 0.5 log(0.5 / 0.25) + 0.5 log(0.5 / 0.75) = 0.346574 - 0.202733 = 0.143841
    expect(kl([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.1438410362, 6);
  });

  it('is 0 for identical distributions and positive otherwise', () => {
    expect(kl([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
    expect(kl([0.2, 0.3, 0.5], [0.5, 0.3, 0.2])).toBeGreaterThan(0);
  });

  it('adds eps = 1e-9 to both sides, so empty bins stay finite', () => {
    // P = (1, 0), Q = (0.5, 0.5): (1 + eps) log((1 + eps)/(0.5 + eps)) + eps log(eps / (0.5 + eps)) ~ log 2.
    expect(kl([1, 0], [0.5, 0.5])).toBeCloseTo(Math.LN2, 6);
    // Q = 0 where P > 0: 0.5 log(0.5 / 1) + 0.5 log(0.5 / 1e-9) = 9.668486, large but finite.
    expect(kl([0.5, 0.5], [1, 0])).toBeCloseTo(0.5 * Math.log(0.5) + 0.5 * Math.log(0.5 / 1e-9), 3);
  });

  it('gradients in P and Q match finite differences', () => {
    const p = [0.1, 0.25, 0.4, 0.25];
    const q = [0.3, 0.2, 0.2, 0.3];
    const inP = checkGradient((x) => klDivergence(x as tf.Tensor1D, tf.tensor1d(q)), p, [4], 1e-4);
    const inQ = checkGradient((x) => klDivergence(tf.tensor1d(p), x as tf.Tensor1D), q, [4], 1e-4);
    expect(inP.relativeError).toBeLessThan(2e-3);
    expect(inQ.relativeError).toBeLessThan(2e-3);
  });
});
