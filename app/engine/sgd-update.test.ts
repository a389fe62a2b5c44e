import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend, quietCpuBackend } from './backend.js';
import { fusedSgdAvailable, sgdKernelName } from './kernels/sgd-kernel.js';
import { sgdMomentumUpdate } from './sgd-update.js';
import { seededNormal } from './testing.js';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm' });
  await tf.setBackend('cpu');
  quietCpuBackend();
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

function step(decay: number, momentum: number): Float32Array[] {
  return tf.tidy(() => {
    const w = tf.tensor2d(seededNormal([5, 8], 1), [5, 8]);
    const v = tf.tensor2d(seededNormal([5, 8], 2), [5, 8]);
    const g = tf.tensor2d(seededNormal([5, 8], 3), [5, 8]);
    const next = sgdMomentumUpdate(w, v, g, { lr: 0.05, momentum, decay });
    return [next.w.dataSync() as Float32Array, next.v.dataSync() as Float32Array];
  });
}

describe('sgdMomentumUpdate', () => {
  it('computes w − lr·(momentum·v + g + decay·w) on cpu', async () => {
    await tf.setBackend('cpu');
    const [w, v] = step(0.01, 0.9);
    const w0 = seededNormal([5, 8], 1),
      v0 = seededNormal([5, 8], 2),
      g0 = seededNormal([5, 8], 3);
    for (let i = 0; i < w0.length; i++) {
      const buffer = 0.9 * v0[i]! + g0[i]! + 0.01 * w0[i]!;
      expect(v![i]).toBeCloseTo(buffer, 5);
      expect(w![i]).toBeCloseTo(w0[i]! - 0.05 * buffer, 5);
    }
  });

  it('is one fused kernel on wasm, with the same result as the tfjs ops on cpu', async () => {
    await tf.setBackend('cpu');
    const onCpu = [step(5e-4, 0.9), step(0, 0.9), step(5e-4, 0)];
    await tf.setBackend('wasm');
    expect(fusedSgdAvailable()).toBe(true);
    const spy = vi.spyOn(tf.engine(), 'runKernel');
    const tensors = tf.memory().numTensors;
    const onWasm = [step(5e-4, 0.9), step(0, 0.9), step(5e-4, 0)];
    expect(spy.mock.calls.filter(([name]) => name === sgdKernelName)).toHaveLength(3);
    spy.mockRestore();
    expect(tf.memory().numTensors).toBe(tensors);
    onWasm.forEach((pair, c) =>
      pair.forEach((values, t) => values.forEach((x, i) => expect(x).toBeCloseTo(onCpu[c]![t]![i]!, 5))),
    );
  });
});
