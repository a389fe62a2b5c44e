import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, quietCpuBackend } from '../engine/backend.js';
import { Random } from '../util/random.js';
import { l2NormalizeColumns, l2NormalizeRows } from './normalize.js';

// The analytic gradient of the L2 normalisation against tfjs's autodiff of the plain formula.

beforeAll(async () => {
  await initBackend({ preferred: 'wasm' });
  quietCpuBackend();
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

const plain = (x: tf.Tensor2D, axis: 0 | 1) => x.mul(tf.rsqrt(tf.maximum(x.square().sum(axis, true), 1e-24)));

describe.each(['wasm', 'cpu'])('L2 normalisation on %s', (backend) => {
  it.each([
    ['rows', 1],
    ['columns', 0],
  ] as const)('%s: values and gradient match autodiff of the formula, zero vectors included', async (_, axis) => {
    await tf.setBackend(backend);
    const rng = new Random(9);
    const values = Float32Array.from({ length: 6 * 5 }, () => rng.normal());
    // One all-zero row (or column): it stays zero and its gradient is g·r with no norm term.
    for (let i = 0; i < 5; i++) values[axis === 1 ? 2 * 5 + i : i * 5 + 3] = 0;
    const weights = Float32Array.from({ length: 6 * 5 }, () => rng.normal());
    const ours = axis === 1 ? l2NormalizeRows : l2NormalizeColumns;
    const [y, yRef, g, gRef] = tf.tidy(() => {
      const x = tf.tensor2d(values, [6, 5]),
        w = tf.tensor2d(weights, [6, 5]);
      const loss = (f: (a: tf.Tensor2D) => tf.Tensor) => (a: tf.Tensor) =>
        f(a as tf.Tensor2D)
          .mul(w)
          .sum();
      return [
        ours(x).dataSync(),
        plain(x, axis).dataSync(),
        tf.grad(loss(ours))(x).dataSync(),
        tf
          .grad(loss((a) => plain(a, axis)))(x)
          .dataSync(),
      ];
    });
    y!.forEach((v, i) => expect(v).toBeCloseTo(yRef![i]!, 6));
    g!.forEach((v, i) => expect(Math.abs(v - gRef![i]!)).toBeLessThan(1e-4 * (1 + Math.abs(gRef![i]!))));
  });
});
