import { describe, expect, it } from 'vitest';
import { layOut, maxRelativeError, random } from './test-support/reference.js';
import { wasmKernels } from './wasm-kernels.js';

// The transposed matrix products on their own memory (no tfjs), against plain loops.

const shapes = [
  { m: 7, n: 16, k: 5 }, // short last row tile
  { m: 4, n: 8, k: 1 },
  { m: 33, n: 24, k: 64 },
  { m: 2, n: 40, k: 3 },
];

function referenceAtB(a: Float32Array, b: Float32Array, k: number, m: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let kk = 0; kk < k; kk++)
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[i * n + j]! += a[kk * m + i]! * b[kk * n + j]!;
  return c;
}

function referenceABt(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) for (let kk = 0; kk < k; kk++) c[i * n + j]! += a[i * k + kk]! * b[j * k + kk]!;
  return c;
}

describe.each([
  { label: 'one thread', memory: () => new WebAssembly.Memory({ initial: 64 }), threads: 1 },
  {
    label: 'three threads on a shared memory',
    memory: () => new WebAssembly.Memory({ initial: 64, maximum: 256, shared: true }),
    threads: 3,
  },
])('gemm kernels, $label', ({ memory: makeMemory, threads }) => {
  it.each(shapes)(
    'C = Aᵀ·B and C = A·Bᵀ match plain loops for m $m, n $n, k $k (output overwritten, nothing outside it)',
    ({ m, n, k }) => {
      const memory = makeMemory(),
        kernels = wasmKernels(memory, threads);
      expect(kernels.threads).toBe(threads);
      const aT = random(k * m, m + 1),
        b = random(k * n, n + 2),
        a = random(m * k, k + 3),
        bT = random(n * k, 4);
      const scratch = new Float32Array(kernels.gemmScratchBytes(k) / 4);
      const out = () => new Float32Array(m * n + 16).fill(7); // garbage to overwrite, sentinels after
      const [aTAt, bAt, aAt, bTAt, c1At, c2At, scratchAt] = layOut(memory, [aT, b, a, bT, out(), out(), scratch]);
      kernels.gemmAtB(aTAt!, bAt!, c1At!, k, m, n, scratchAt!);
      kernels.gemmABt(aAt!, bTAt!, c2At!, m, n, k, scratchAt!);
      const c1 = new Float32Array(memory.buffer, c1At!, m * n + 16),
        c2 = new Float32Array(memory.buffer, c2At!, m * n + 16);
      expect(maxRelativeError(c1.slice(0, m * n), referenceAtB(aT, b, k, m, n))).toBeLessThan(1e-5);
      expect(maxRelativeError(c2.slice(0, m * n), referenceABt(a, bT, m, n, k))).toBeLessThan(1e-5);
      expect([...c1.slice(m * n), ...c2.slice(m * n)]).toEqual(new Array(32).fill(7));
      expect(kernels.failure).toBeUndefined();
    },
  );
});
