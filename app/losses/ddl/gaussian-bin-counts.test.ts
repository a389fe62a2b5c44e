import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, quietCpuBackend } from '../../engine/backend.js';
import { fusedGaussianBinCountsAvailable } from '../../engine/gaussian-bin-counts.js';
import { Random } from '../../util/random.js';
import { composedGaussianBinCounts, gaussianBinCounts } from './gaussian-bin-counts.js';

// The fused Gaussian-count kernels (app/engine, wasm SIMD and cpu loops) against the tfjs-op
// composition they replace: counts and d(counts · g)/ds on random inputs, both backends.

beforeAll(async () => {
  await initBackend({ preferred: 'wasm' });
  quietCpuBackend();
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

type Case = { n: number; bins: number; min: number; max: number; sigma: number; seed: number };

function run(kind: 'fused' | 'composed', c: Case): { counts: Float32Array; grad: Float32Array; w: Float32Array } {
  const rng = new Random(c.seed);
  // Similarities over [-1, 1] (the exponent underflows far from the bins), a quarter dropped.
  const s = Float32Array.from({ length: c.n }, () => rng.uniform(-1, 1));
  const w = Float32Array.from({ length: c.n }, () => (rng.next() < 0.25 ? 0 : 1));
  const g = Float32Array.from({ length: c.bins }, () => rng.normal());
  const step = (c.max - c.min) / c.bins;
  const t = Float32Array.from({ length: c.bins }, (_, r) => c.min + r * step);
  const f = kind === 'fused' ? gaussianBinCounts : composedGaussianBinCounts;
  return tf.tidy(() => {
    const [tt, wt, gt] = [tf.tensor1d(t), tf.tensor1d(w), tf.tensor1d(g)];
    const counts = f(tf.tensor1d(s), tt, c.sigma, wt);
    const grad = tf.grad((x: tf.Tensor) =>
      f(x as tf.Tensor1D, tt, c.sigma, wt)
        .mul(gt)
        .sum(),
    )(tf.tensor1d(s));
    return { counts: counts.dataSync() as Float32Array, grad: grad.dataSync() as Float32Array, w };
  });
}

function relativeError(got: Float32Array, want: Float32Array): number {
  let diff = 0,
    norm = 0;
  want.forEach((v, i) => {
    diff += (got[i]! - v) ** 2;
    norm += v ** 2;
  });
  return Math.sqrt(diff / norm);
}

const cases: Case[] = [
  { n: 256, bins: 1000, min: 0, max: 1, sigma: 0.1, seed: 3 }, // the reference size
  { n: 37, bins: 1003, min: -1, max: 1, sigma: 0.05, seed: 4 }, // R % 4 = 3: the one-lane tail
  { n: 5, bins: 2, min: 0, max: 1, sigma: 0.3, seed: 5 }, // fewer bins than a vector
];

describe.each(['wasm', 'cpu'])('gaussianBinCounts fused kernels on %s', (backend) => {
  it.each(cases)('match the composition (counts and gradient): n $n, R $bins, sigma $sigma', async (c) => {
    await tf.setBackend(backend);
    expect(fusedGaussianBinCountsAvailable()).toBe(true);
    const fused = run('fused', c),
      composed = run('composed', c);
    expect(relativeError(fused.counts, composed.counts)).toBeLessThan(1e-5);
    expect(relativeError(fused.grad, composed.grad)).toBeLessThan(1e-4);
    // Dropped items get no gradient.
    expect(fused.w.some((weight) => weight === 0)).toBe(true);
    fused.w.forEach((weight, i) => weight === 0 && expect(Math.abs(fused.grad[i]!)).toBe(0));
  });

  it('an all-zero weight vector gives all-zero counts and gradient', async () => {
    await tf.setBackend(backend);
    const [counts, grad] = tf.tidy(() => {
      const [t, w] = [tf.linspace(0, 1, 12) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D];
      const f = (x: tf.Tensor) => gaussianBinCounts(x as tf.Tensor1D, t, 0.1, w);
      const s = tf.tensor1d([0.2, 0.5, 0.9]);
      return [
        f(s).dataSync(),
        tf
          .grad((x: tf.Tensor) => f(x).sum())(s)
          .dataSync(),
      ];
    });
    expect(Array.from(counts!)).toEqual(new Array(12).fill(0));
    expect(Array.from(grad!, Math.abs)).toEqual([0, 0, 0]);
  });
});
