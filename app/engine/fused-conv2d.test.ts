import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { lastConv2dPath } from './kernels/conv2d-forward.js';
import { lastFusedConv2dPath } from './kernels/fused-conv2d.js';
import { relativeError, seededNormal, valuesOn } from './testing.js';

// tf.fused.conv2d with a bias (MobileFaceNet's dense convs) runs our Conv2D kernel plus an Add on
// wasm; the values and gradients match the cpu backend's.
beforeAll(async () => {
  await initBackend({ preferred: 'wasm' });
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

const x = seededNormal([2, 9, 9, 8], 1),
  filter = seededNormal([3, 3, 8, 16], 2),
  bias = seededNormal([16], 3),
  dy = seededNormal([2, 5, 5, 16], 4);

function fused(activation?: 'relu') {
  return () => {
    const inputs = [tf.tensor4d(x, [2, 9, 9, 8]), tf.tensor4d(filter, [3, 3, 8, 16]), tf.tensor1d(bias)] as const;
    const f = (a: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) =>
      tf.sum(
        tf.mul(
          tf.fused.conv2d({ x: a, filter: w, strides: 2, pad: 'same', bias: b, activation }),
          tf.tensor4d(dy, [2, 5, 5, 16]),
        ),
      );
    const out = tf.fused.conv2d({
      x: inputs[0],
      filter: inputs[1],
      strides: 2,
      pad: 'same',
      bias: inputs[2],
      activation,
    });
    const grads = tf.grads(f as (...t: tf.Tensor[]) => tf.Tensor)([...inputs]);
    return [out, ...grads];
  };
}

describe('FusedConv2D on wasm', () => {
  it('runs our conv kernel for a plain bias and matches cpu, gradients included', async () => {
    const wasm = await valuesOn('wasm', fused());
    expect(lastFusedConv2dPath()).toBe('conv kernel + add');
    expect(lastConv2dPath()).toBe('wasm kernel');
    const cpu = await valuesOn('cpu', fused());
    wasm.forEach((values, i) => expect(relativeError(values, cpu[i]!)).toBeLessThan(1e-5));
  });

  it('leaves a fused activation to tfjs, with the same values', async () => {
    const wasm = await valuesOn('wasm', fused('relu'));
    expect(lastFusedConv2dPath()).toBe('stock');
    const cpu = await valuesOn('cpu', fused('relu'));
    wasm.forEach((values, i) => expect(relativeError(values, cpu[i]!)).toBeLessThan(1e-5));
  });
});
