import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherRows } from './gather-rows.js';
import { initBackend } from './backend.js';
import { lastMatMulPath } from './kernels/matmul-transposed.js';
import { matMulTransposeB } from './matmul-transpose-b.js';
import { seededNormal, valuesOn } from './testing.js';

// The ops app/losses uses instead of choosing kernels by backend itself: same values on every backend.
beforeAll(async () => {
  await initBackend({ preferred: 'wasm' });
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

const a = seededNormal([6, 16], 1),
  b = seededNormal([9, 16], 2);

function expected(): number[] {
  const out: number[] = [];
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 9; j++) {
      let dot = 0;
      for (let k = 0; k < 16; k++) dot += a[i * 16 + k]! * b[j * 16 + k]!;
      out.push(dot);
    }
  return out;
}

describe.each(['cpu', 'wasm'])('engine row ops on %s', (backend) => {
  it('matMulTransposeB is a · bᵀ', async () => {
    const [got] = await valuesOn(backend, () => matMulTransposeB(tf.tensor2d(a, [6, 16]), tf.tensor2d(b, [9, 16])));
    expect(Array.from(got!)).toEqual(expected().map((v) => expect.closeTo(v, 4)));
  });

  it('matMulTransposeB of x · xᵀ with 16 rows (our A·Bᵀ kernel on wasm) matches the definition', async () => {
    const x = seededNormal([16, 16], 3);
    const [got] = await valuesOn(backend, () => matMulTransposeB(tf.tensor2d(x, [16, 16]), tf.tensor2d(x, [16, 16])));
    if (backend === 'wasm') expect(lastMatMulPath()).toBe('wasm kernel');
    for (let i = 0; i < 16; i++)
      for (let j = 0; j < 16; j++) {
        let dot = 0;
        for (let k = 0; k < 16; k++) dot += x[i * 16 + k]! * x[j * 16 + k]!;
        expect(got![i * 16 + j]).toBeCloseTo(dot, 4);
      }
  });

  it('gatherRows picks rows by index, repeats included', async () => {
    const [got] = await valuesOn(backend, () => gatherRows(tf.tensor2d(a, [6, 16]), tf.tensor1d([5, 0, 5], 'int32')));
    expect(Array.from(got!)).toEqual([...a.slice(80, 96), ...a.slice(0, 16), ...a.slice(80, 96)]);
  });
});
