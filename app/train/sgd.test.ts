import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { seededNormal } from '../engine/testing.js';
import { clipByGlobalNorm, SgdMomentum } from './sgd.js';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm' });
  await tf.setBackend('cpu');
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

describe('SGD with momentum and weight decay', () => {
  it('gives the same result on wasm (fused update, app/engine) as on cpu', async () => {
    const run = async () => {
      const params = tf.tidy(() => [
        { variable: tf.variable(tf.tensor2d(seededNormal([7, 9], 1), [7, 9]), true, 'fused-test/w'), decay: true },
        { variable: tf.variable(tf.tensor1d(seededNormal([6], 2)), true, 'fused-test/bn'), decay: false },
      ]);
      const sgd = new SgdMomentum(params, { momentum: 0.9, weightDecay: 5e-4 });
      for (let step = 0; step < 3; step++) {
        const grads = Object.fromEntries(
          params.map((p, i) => [
            p.variable.name,
            tf.tensor(seededNormal(p.variable.shape, 10 * step + i + 1), p.variable.shape),
          ]),
        );
        sgd.apply(grads, 0.05);
        tf.dispose(Object.values(grads));
      }
      const values = [
        ...params.map((p) => Array.from(p.variable.dataSync())),
        ...(await sgd.state()).values.map((v) => Array.from(v)),
      ];
      sgd.dispose();
      tf.dispose(params.map((p) => p.variable));
      return values;
    };
    const onCpu = await run();
    await tf.setBackend('wasm');
    try {
      const tensors = tf.memory().numTensors;
      const onWasm = await run();
      expect(tf.memory().numTensors).toBe(tensors);
      onWasm.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(onCpu[i]![j]!, 5)));
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('matches the update written out by hand (PyTorch semantics), decaying only flagged weights', async () => {
    const weight = tf.variable(tf.tensor1d([1, -2]), true, 'sgd-test/w');
    const scale = tf.variable(tf.tensor1d([0.5]), true, 'sgd-test/bn');
    const sgd = new SgdMomentum(
      [
        { variable: weight, decay: true },
        { variable: scale, decay: false },
      ],
      { momentum: 0.9, weightDecay: 0.1 },
    );
    const grads = { [weight.name]: tf.tensor1d([0.5, 0.5]), [scale.name]: tf.tensor1d([1]) };
    // step 1: g = grad + 0.1 w = [0.6, 0.3]; buf = g; w -= 0.1 buf
    sgd.apply(grads, 0.1);
    expect(Array.from(weight.dataSync())).toEqual([expect.closeTo(0.94, 6), expect.closeTo(-2.03, 6)]);
    expect(Array.from(scale.dataSync())).toEqual([expect.closeTo(0.4, 6)]);
    // step 2: g = [0.5 + 0.094, 0.5 - 0.203]; buf = 0.9 [0.6, 0.3] + g
    sgd.apply(grads, 0.1);
    const buf = [0.9 * 0.6 + 0.594, 0.9 * 0.3 + 0.297];
    expect(Array.from(weight.dataSync())).toEqual([
      expect.closeTo(0.94 - 0.1 * buf[0]!, 6),
      expect.closeTo(-2.03 - 0.1 * buf[1]!, 6),
    ]);
    expect(Array.from(scale.dataSync())).toEqual([expect.closeTo(0.4 - 0.1 * 1.9, 6)]);

    // Momentum survives a save / restore into a fresh optimiser.
    const state = await sgd.state();
    const again = new SgdMomentum(sgd.parameters, { momentum: 0.9, weightDecay: 0.1 });
    again.restore(state);
    expect((await again.state()).values.map((v) => Array.from(v))).toEqual(state.values.map((v) => Array.from(v)));
    tf.dispose([weight, scale, ...Object.values(grads)]);
    sgd.dispose();
    again.dispose();
  });

  it('clips gradients to a global norm and reports the norm before clipping', async () => {
    const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([4]) };
    const { grads: clipped, norm } = await clipByGlobalNorm(grads, 1);
    expect(norm).toBeCloseTo(5);
    expect(Array.from(clipped.a!.dataSync())).toEqual([expect.closeTo(0.6, 5), 0]);
    expect((await clipByGlobalNorm(grads, 10)).grads).toBe(grads);
    const bad = await clipByGlobalNorm({ a: tf.tensor1d([Number.NaN]) }, 1);
    expect(bad.norm).toBeNaN();
  });
});
