import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { channelKernelCalls } from './kernels/channel-kernels.js';
import { isLeadingAxes } from './kernels/leading-axes-sum.js';
import { seededNormal } from './testing.js';

// tf.sum over every axis but the last (bias gradients) runs on our per-channel sums pass on wasm;
// every other Sum stays tfjs's. Values are checked against float64 sums computed here.
beforeAll(async () => {
  await initBackend({ preferred: 'wasm' });
  await tf.setBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

/** Float64 sums of `values` ([rows, channels]) per channel. */
function channelTotals(values: Float32Array, channels: number): number[] {
  const totals = new Array<number>(channels).fill(0);
  for (let i = 0; i < values.length; i++) totals[i % channels]! += values[i]!;
  return totals;
}

describe('Sum over the leading axes on wasm', () => {
  const shape = [3, 5, 7, 12];
  const values = seededNormal(shape, 11);
  const expected = channelTotals(values, 12);

  it('is the per-channel total, through our pass, with and without keepDims and negative axes', async () => {
    const before = channelKernelCalls();
    const x = tf.tensor4d(values, shape as [number, number, number, number]);
    const flat = tf.sum(x, [0, 1, 2]);
    const kept = tf.sum(x, [-4, -3, -2], true);
    expect(flat.shape).toEqual([12]);
    expect(kept.shape).toEqual([1, 1, 1, 12]);
    expect(channelKernelCalls() - before).toBe(2);
    for (const got of [await flat.data(), await kept.data()])
      expect(Array.from(got)).toEqual(expected.map((v) => expect.closeTo(v, 4)));
    tf.dispose([x, flat, kept]);
  });

  it('is the gradient of a bias added to a convolution', async () => {
    const x = tf.tensor4d(seededNormal([2, 6, 6, 8], 3), [2, 6, 6, 8]);
    const filter = tf.tensor4d(seededNormal([3, 3, 8, 8], 4), [3, 3, 8, 8]);
    const bias = tf.zeros([8]);
    const dy = seededNormal([2, 6, 6, 8], 5);
    const before = channelKernelCalls();
    const grad = tf.grad((b: tf.Tensor) =>
      tf.sum(tf.mul(tf.add(tf.conv2d(x, filter, 1, 'same'), b), tf.tensor4d(dy, [2, 6, 6, 8]))),
    )(bias);
    expect(channelKernelCalls()).toBeGreaterThan(before);
    expect(Array.from(await grad.data())).toEqual(channelTotals(dy, 8).map((v) => expect.closeTo(v, 4)));
    tf.dispose([x, filter, bias, grad]);
  });

  it('leaves other reductions to tfjs, with the same values as the cpu backend', async () => {
    const x = tf.tensor4d(values, shape as [number, number, number, number]);
    const odd = tf.tensor2d(seededNormal([10, 6], 2), [10, 6]);
    const before = channelKernelCalls();
    const middle = tf.sum(x, [1, 2]);
    const all = tf.sum(x);
    const sixChannels = tf.sum(odd, 0);
    expect(channelKernelCalls()).toBe(before);
    const got = await Promise.all([middle, all, sixChannels].map((t) => t.data()));
    await tf.setBackend('cpu');
    const reference = await Promise.all(
      [
        tf.sum(tf.tensor4d(values, shape as [number, number, number, number]), [1, 2]),
        tf.sum(tf.tensor4d(values, shape as [number, number, number, number])),
        tf.sum(tf.tensor2d(seededNormal([10, 6], 2), [10, 6]), 0),
      ].map((t) => t.data()),
    );
    await tf.setBackend('wasm');
    got.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(reference[i]!).map((v) => expect.closeTo(v, 4))));
    tf.dispose([x, odd, middle, all, sixChannels]);
  });
});

describe('isLeadingAxes', () => {
  it('accepts exactly the axes 0 … rank−2, in any order or sign', () => {
    expect(isLeadingAxes([0, 1, 2], 4)).toBe(true);
    expect(isLeadingAxes([2, -4, 1], 4)).toBe(true);
    expect(isLeadingAxes(0, 2)).toBe(true);
    expect(isLeadingAxes([0, 1], 4)).toBe(false);
    expect(isLeadingAxes([0, 1, 2, 3], 4)).toBe(false);
    expect(isLeadingAxes([1, 2, 3], 4)).toBe(false);
    expect(isLeadingAxes(0, 1)).toBe(false);
  });
});
