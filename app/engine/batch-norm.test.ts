import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { batchNormInfer, batchNormTrain, type BatchNormState } from './batch-norm.js';
import { channelKernelCalls } from './kernels/channel-kernels.js';
import { prelu } from './prelu.js';
import { relativeError, seededNormal, valuesOn } from './testing.js';

// The analytic BatchNorm and PReLU backward passes against tfjs autodiff of the textbook
// formulas on the cpu backend. With C % 4 = 0 the wasm runs take our fused channel kernels.

function state(c: number, withGamma: boolean, seed: number): BatchNormState {
  return {
    gamma: withGamma ? tf.tensor1d(seededNormal([c], seed)) : undefined,
    beta: tf.tensor1d(seededNormal([c], seed + 1)),
    runningMean: tf.variable(tf.zeros([c])),
    runningVar: tf.variable(tf.ones([c])),
    epsilon: 1e-5,
    momentum: 0.1,
  };
}

describe('batchNormTrain', () => {
  beforeAll(async () => {
    await initBackend({ preferred: 'wasm' });
  });

  it.each([
    { shape: [4, 5, 3, 6], gamma: true },
    { shape: [3, 2, 2, 4], gamma: false },
    { shape: [8, 5], gamma: true },
    { shape: [6, 3], gamma: false },
    { shape: [4, 5, 3, 8], gamma: true },
    { shape: [2, 7, 7, 16], gamma: false },
    { shape: [8, 12], gamma: true },
  ])('matches autodiff of moments + batchNorm: $shape, gamma $gamma', async ({ shape, gamma }) => {
    const c = shape[shape.length - 1]!;
    const xv = seededNormal(shape, 1).map((v, i) => 3 * v + (i % c)); // offset means per channel
    const weights = seededNormal(shape, 2);
    const axes = shape.length === 4 ? [0, 1, 2] : [0];
    const weighted = (y: tf.Tensor) => tf.sum(tf.mul(y, tf.tensor(weights, shape)));
    // Gradients w.r.t. x, β and (when trained) γ.
    const run = (normalize: (x: tf.Tensor, g: tf.Tensor1D | undefined, b: tf.Tensor1D) => tf.Tensor) => () => {
      const s = state(c, gamma, 3);
      const inputs = [tf.tensor(xv, shape), s.beta, ...(s.gamma ? [s.gamma] : [])];
      const { value, grads } = tf.valueAndGrads((...t: tf.Tensor[]) =>
        weighted(normalize(t[0]!, t[2] as tf.Tensor1D | undefined, t[1] as tf.Tensor1D)),
      )(inputs);
      return [value, ...grads];
    };
    const ours = run((x, g, b) => batchNormTrain(x, { ...state(c, false, 0), gamma: g, beta: b }));
    const reference = run((x, g, b) => {
      const { mean, variance } = tf.moments(x, axes);
      return tf.batchNorm(x, mean, variance, b, g ?? tf.ones([c]), 1e-5);
    });
    const ref = await valuesOn('cpu', reference);
    for (const backend of ['wasm', 'cpu']) {
      const before = channelKernelCalls();
      const got = await valuesOn(backend, ours);
      got.forEach((g, i) => expect(relativeError(g, ref[i]!), `${backend} output ${i}`).toBeLessThan(1e-4));
      // 3 fused passes forward, 2 backward.
      expect(channelKernelCalls() - before, `${backend} fused passes`).toBe(backend === 'wasm' && c % 4 === 0 ? 5 : 0);
    }
  });

  it('updates running statistics in training and uses them in inference', () => {
    const s = state(3, true, 7);
    const xv = seededNormal([10, 3], 8);
    const x = tf.tensor2d(xv, [10, 3]);
    tf.tidy(() => {
      batchNormTrain(x, s);
    });
    const { mean, variance } = tf.moments(x, 0);
    const unbiased = tf.mul(variance, 10 / 9);
    expect(relativeError(s.runningMean.dataSync(), tf.mul(mean, 0.1).dataSync())).toBeLessThan(1e-5);
    expect(relativeError(s.runningVar.dataSync(), tf.add(tf.mul(unbiased, 0.1), 0.9).dataSync())).toBeLessThan(1e-5);
    const inferred = batchNormInfer(x, s).dataSync();
    const expected = tf.batchNorm(x, s.runningMean, s.runningVar, s.beta, s.gamma, 1e-5).dataSync();
    expect(relativeError(inferred, expected)).toBeLessThan(1e-5);
  });

  it('refuses a batch with a single value per channel', () => {
    expect(() => batchNormTrain(tf.ones([1, 4]), state(4, true, 1))).toThrow(/more than one value per channel/);
  });
});

describe('prelu', () => {
  it.each([{ shape: [3, 4, 4, 5] }, { shape: [6, 7] }, { shape: [3, 4, 4, 8] }, { shape: [6, 12] }])(
    'matches autodiff of tf.prelu: $shape',
    async ({ shape }) => {
      const c = shape[shape.length - 1]!;
      const xv = seededNormal(shape, 4),
        av = seededNormal([c], 5).map((v) => 0.25 + 0.1 * v),
        wv = seededNormal(shape, 6);
      const run = (mine: boolean) => () => {
        const f = (x: tf.Tensor, a: tf.Tensor) =>
          tf.sum(tf.mul(mine ? prelu(x, a as tf.Tensor1D) : tf.prelu(x, a), tf.tensor(wv, shape)));
        const { value, grads } = tf.valueAndGrads(f)([tf.tensor(xv, shape), tf.tensor1d(av)]);
        return [value, ...grads];
      };
      const ref = await valuesOn('cpu', run(false));
      for (const backend of ['wasm', 'cpu']) {
        const before = channelKernelCalls();
        const got = await valuesOn(backend, run(true));
        got.forEach((g, i) => expect(relativeError(g, ref[i]!), `${backend} output ${i}`).toBeLessThan(1e-4));
        expect(channelKernelCalls() - before, `${backend} fused passes`).toBe(
          backend === 'wasm' && c % 4 === 0 ? 1 : 0,
        );
      }
    },
  );
});
