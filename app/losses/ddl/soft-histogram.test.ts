import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../util/random.js';
import { checkGradient, expectClose } from '../test-utils.js';
import { defaultDdlConfig } from './ddl-config.js';
import { binCenters, softHistogram } from './soft-histogram.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('binCenters', () => {
  it('reference bins are 0, 0.001, ..., 0.999', () => {
    const centers = tf.tidy(() => binCenters(defaultDdlConfig.bins).dataSync());
    expect(centers.length).toBe(1000);
    expectClose([centers[0]!, centers[1]!, centers[500]!, centers[999]!], [0, 0.001, 0.5, 0.999], 1e-7);
  });

  it('follows min + r * (max - min) / count', () => {
    expectClose(
      tf.tidy(() => binCenters({ min: -1, max: 1, count: 4 }).dataSync()),
      [-1, -0.5, 0, 0.5],
    );
  });
});

describe('softHistogram', () => {
  it('adds exp(-(s - t)^2 / (2 sigma^2)) per bin and normalises to 1', () => {
    // s = 0.5, t = [0, 0.25, 0.5, 0.75], sigma = 0.25: exponents -(0.25, 0.0625, 0, 0.0625) / 0.125
    // = -2, -0.5, 0, -0.5.
    const raw = [Math.exp(-2), Math.exp(-0.5), 1, Math.exp(-0.5)];
    const total = raw.reduce((a, b) => a + b);
    const histogram = tf.tidy(() =>
      softHistogram(tf.tensor1d([0.5]), binCenters({ min: 0, max: 1, count: 4 }), 0.25).dataSync(),
    );
    expectClose(
      histogram,
      raw.map((v) => v / total),
      1e-6,
    );
  });

  it('sums the kernels of several similarities before normalising (not a mean of per-item histograms)', () => {
    // s = 0 and s = 1 over t = [0, 1] with sigma = 1: each adds (1, e^-0.5) or (e^-0.5, 1): symmetric.
    const histogram = tf.tidy(() =>
      softHistogram(tf.tensor1d([0, 1, 1]), binCenters({ min: 0, max: 2, count: 2 }), 1).dataSync(),
    );
    const first = 1 + 2 * Math.exp(-0.5);
    const second = Math.exp(-0.5) + 2;
    expectClose(histogram, [first / (first + second), second / (first + second)], 1e-6);
  });

  it('a weight of 0 drops an item; all weights 0 gives an all-zero histogram, not NaN', () => {
    const centers = () => binCenters({ min: 0, max: 1, count: 10 });
    const kept = tf.tidy(() => softHistogram(tf.tensor1d([0.3, 0.9]), centers(), 0.1, tf.tensor1d([1, 0])).dataSync());
    const alone = tf.tidy(() => softHistogram(tf.tensor1d([0.3]), centers(), 0.1).dataSync());
    expectClose(kept, alone, 1e-6);
    const empty = tf.tidy(() => softHistogram(tf.tensor1d([0.3, 0.9]), centers(), 0.1, tf.tensor1d([0, 0])).dataSync());
    expect(Array.from(empty)).toEqual(new Array(10).fill(0));
  });

  it('gradient matches finite differences (50 bins), dropped items get none', () => {
    const rng = new Random(7);
    const similarities = [0.12, 0.35, 0.41, 0.77, 0.93, 0.58];
    const weights = [1, 1, 0, 1, 1, 1];
    const projection = Array.from({ length: 50 }, () => rng.normal());
    const check = checkGradient(
      (s) =>
        softHistogram(s as tf.Tensor1D, binCenters({ min: 0, max: 1, count: 50 }), 0.1, tf.tensor1d(weights))
          .mul(tf.tensor1d(projection))
          .sum() as tf.Scalar,
      similarities,
      [6],
    );
    expect(check.relativeError).toBeLessThan(2e-3);
    expect(check.analytic[2]).toBe(0);
  });

  it('custom gradient equals plain tfjs autodiff of the same formula (256 items, 1000 bins)', () => {
    const rng = new Random(11);
    const similarities = Array.from({ length: 256 }, () => rng.uniform(-0.2, 1));
    const weights = similarities.map((s) => (s > 0 ? 1 : 0));
    const projection = Array.from({ length: 1000 }, () => rng.normal());
    const centers = () => binCenters(defaultDdlConfig.bins);
    // The textbook version: an [n x R] broadcast, differentiated op by op by tfjs.
    const plain = (s: tf.Tensor) => {
      const kernel = s
        .reshape([-1, 1])
        .sub(centers().reshape([1, -1]))
        .square()
        .mul(-1 / (2 * 0.1 * 0.1))
        .exp()
        .mul(tf.tensor2d(weights, [256, 1]));
      const counts = kernel.sum(0);
      return counts.div(counts.sum()).mul(tf.tensor1d(projection)).sum() as tf.Scalar;
    };
    const ours = (s: tf.Tensor) =>
      softHistogram(s as tf.Tensor1D, centers(), 0.1, tf.tensor1d(weights))
        .mul(tf.tensor1d(projection))
        .sum() as tf.Scalar;
    tf.tidy(() => {
      const x = tf.tensor1d(similarities);
      expect(ours(x).dataSync()[0]).toBeCloseTo(plain(x).dataSync()[0] as number, 6);
      const want = tf.grad(plain)(x).dataSync();
      const got = tf.grad(ours)(x).dataSync();
      let diff = 0;
      let norm = 0;
      want.forEach((w, i) => {
        diff += ((got[i] as number) - w) ** 2;
        norm += w ** 2;
      });
      expect(Math.sqrt(diff / norm)).toBeLessThan(1e-4);
    });
  });
});
