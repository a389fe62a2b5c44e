import { describe, expect, it } from 'vitest';
import { assembleKernels } from './assemble.js';
import * as committed from './kernels-binary.js';
import { wasmKernels } from './wasm-kernels.js';
import {
  cases,
  layOut,
  maxRelativeError,
  random,
  referenceFilterGrad,
  referenceInputGrad,
  shapeOf,
} from './test-support/reference.js';

// The wasm kernels on their own memory (no tfjs), against plain loops over the definitions.

describe.each([
  { label: 'single-threaded memory', memory: () => new WebAssembly.Memory({ initial: 64 }) },
  {
    label: 'shared memory (threaded build)',
    memory: () => new WebAssembly.Memory({ initial: 64, maximum: 256, shared: true }),
  },
])('conv-grad wasm kernels on $label', ({ memory: makeMemory }) => {
  it.each(cases.map((c, i) => ({ ...c, i })))(
    'filterGrad matches the definition: case $i (ci $ci, co $co, $kh×$kw, stride $s)',
    (c) => {
      for (const rowBlock of [1, 3, 64]) {
        const memory = makeMemory(),
          s = shapeOf(c, rowBlock);
        const x = random(s.n * s.h * s.w * s.ci, c.i + 1),
          dy = random(s.n * s.oh * s.ow * s.co, c.i + 2);
        const dwSize = s.kh * s.kw * s.ci * s.co;
        // Sentinels around dw catch writes outside it.
        const [xAt, dyAt, dwAt] = layOut(memory, [x, dy, new Float32Array(dwSize + 16).fill(7)]);
        wasmKernels(memory).filterGrad(xAt!, dyAt!, dwAt!, s);
        const out = new Float32Array(memory.buffer, dwAt!, dwSize + 16);
        // dw started at 7 everywhere: the kernel adds into it.
        const grad = out.slice(0, dwSize).map((v) => v - 7);
        expect(maxRelativeError(grad, referenceFilterGrad(x, dy, s)), `rowBlock ${rowBlock}`).toBeLessThan(1e-5);
        expect([...out.slice(dwSize)]).toEqual(new Array(16).fill(7));
      }
    },
  );

  it.each(cases.filter((c) => c.ci % 8 === 0).map((c, i) => ({ ...c, i })))(
    'inputGrad matches the definition: case $i (ci $ci, co $co, $kh×$kw, stride $s)',
    (c) => {
      for (const rowBlock of [1, 4, 64]) {
        const memory = makeMemory(),
          s = shapeOf(c, rowBlock);
        const dy = random(s.n * s.oh * s.ow * s.co, c.i + 3),
          w = random(s.kh * s.kw * s.ci * s.co, c.i + 4);
        // The kernel reads the filter as [kh, kw, co, ci].
        const wT = new Float32Array(w.length);
        for (let t = 0; t < s.kh * s.kw; t++)
          for (let ci = 0; ci < s.ci; ci++)
            for (let o = 0; o < s.co; o++) wT[(t * s.co + o) * s.ci + ci] = w[(t * s.ci + ci) * s.co + o]!;
        const dxSize = s.n * s.h * s.w * s.ci;
        const [dyAt, wAt, dxAt] = layOut(memory, [dy, wT, new Float32Array(dxSize + 16)]);
        new Float32Array(memory.buffer, dxAt! + dxSize * 4, 16).fill(7);
        wasmKernels(memory).inputGrad(dyAt!, wAt!, dxAt!, s);
        const out = new Float32Array(memory.buffer, dxAt!, dxSize + 16);
        expect(
          maxRelativeError(out.slice(0, dxSize), referenceInputGrad(dy, w, s)),
          `rowBlock ${rowBlock}`,
        ).toBeLessThan(1e-5);
        expect([...out.slice(dxSize)]).toEqual(new Array(16).fill(7));
      }
    },
  );
});

describe('kernels-binary.ts', () => {
  it('is what scripts/build-wasm-kernels.ts assembles from kernels-wat.ts today (run `npm run build:wasm-kernels` after editing it)', async () => {
    const fresh = await assembleKernels();
    expect(Buffer.from(fresh.single).toString('base64')).toBe(committed.kernelsSingle);
    expect(Buffer.from(fresh.shared).toString('base64')).toBe(committed.kernelsShared);
  });
});
