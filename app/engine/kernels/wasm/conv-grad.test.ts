import { describe, expect, it } from 'vitest';
import { assembleConvGrad } from './assemble.js';
import * as committed from './conv-grad-binary.js';
import { convGradKernels, type ConvGradShape } from './conv-grad.js';

// The wasm kernels on their own memory (no tfjs), against plain loops over the definitions.

interface Case { n: number; h: number; w: number; ci: number; co: number; kh: number; kw: number; s: number; pt: number; pb: number; pl: number; pr: number }

const cases: Case[] = [
  { n: 2, h: 9, w: 7, ci: 8, co: 16, kh: 3, kw: 3, s: 2, pt: 1, pb: 1, pl: 1, pr: 1 },
  { n: 3, h: 6, w: 5, ci: 5, co: 8, kh: 3, kw: 3, s: 1, pt: 1, pb: 1, pl: 1, pr: 1 }, // partial channel tile
  { n: 1, h: 11, w: 10, ci: 16, co: 8, kh: 4, kw: 2, s: 3, pt: 0, pb: 0, pl: 0, pr: 0 },
  { n: 2, h: 8, w: 9, ci: 8, co: 24, kh: 5, kw: 5, s: 2, pt: 2, pb: 1, pl: 0, pr: 2 },
  { n: 4, h: 5, w: 5, ci: 3, co: 8, kh: 1, kw: 1, s: 1, pt: 0, pb: 0, pl: 0, pr: 0 },
];

const outSize = (size: number, k: number, s: number, before: number, after: number) => Math.floor((size + before + after - k) / s) + 1;

function shapeOf(c: Case, rowBlock: number): ConvGradShape {
  return { n: c.n, h: c.h, w: c.w, ci: c.ci, co: c.co, kh: c.kh, kw: c.kw, sh: c.s, sw: c.s, pt: c.pt, pl: c.pl, oh: outSize(c.h, c.kh, c.s, c.pt, c.pb), ow: outSize(c.w, c.kw, c.s, c.pl, c.pr), rowBlock };
}

/** Calls f(img, oy, ox, ky, kx, iy, ix) for every tap that lands inside the image. */
function eachTap(s: ConvGradShape, f: (img: number, oy: number, ox: number, ky: number, kx: number, iy: number, ix: number) => void): void {
  for (let img = 0; img < s.n; img++) for (let oy = 0; oy < s.oh; oy++) for (let ox = 0; ox < s.ow; ox++) {
    for (let ky = 0; ky < s.kh; ky++) for (let kx = 0; kx < s.kw; kx++) {
      const iy = oy * s.sh + ky - s.pt, ix = ox * s.sw + kx - s.pl;
      if (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w) f(img, oy, ox, ky, kx, iy, ix);
    }
  }
}

function referenceFilterGrad(x: Float32Array, dy: Float32Array, s: ConvGradShape): Float64Array {
  const dw = new Float64Array(s.kh * s.kw * s.ci * s.co);
  eachTap(s, (img, oy, ox, ky, kx, iy, ix) => {
    for (let c = 0; c < s.ci; c++) for (let o = 0; o < s.co; o++) {
      dw[((ky * s.kw + kx) * s.ci + c) * s.co + o]! += x[((img * s.h + iy) * s.w + ix) * s.ci + c]! * dy[((img * s.oh + oy) * s.ow + ox) * s.co + o]!;
    }
  });
  return dw;
}

function referenceInputGrad(dy: Float32Array, w: Float32Array, s: ConvGradShape): Float64Array {
  const dx = new Float64Array(s.n * s.h * s.w * s.ci);
  eachTap(s, (img, oy, ox, ky, kx, iy, ix) => {
    for (let c = 0; c < s.ci; c++) for (let o = 0; o < s.co; o++) {
      dx[((img * s.h + iy) * s.w + ix) * s.ci + c]! += dy[((img * s.oh + oy) * s.ow + ox) * s.co + o]! * w[((ky * s.kw + kx) * s.ci + c) * s.co + o]!;
    }
  });
  return dx;
}

/** Places arrays one after another in the memory, 64 bytes apart, and returns their byte offsets. */
function layOut(memory: WebAssembly.Memory, arrays: Float32Array[]): number[] {
  const heap = new Float32Array(memory.buffer);
  let at = 16; // leave address 0 unused
  return arrays.map((a) => {
    const offset = at * 4;
    heap.set(a, at);
    at += a.length + 16;
    return offset;
  });
}

const random = (count: number, seed: number) => Float32Array.from({ length: count }, (_, i) => Math.sin(seed * 1000 + i * 12.9898) * 2);

function maxRelativeError(got: Float32Array, want: Float64Array): number {
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]!)), 0) / scale;
}

describe.each([
  { label: 'single-threaded memory', memory: () => new WebAssembly.Memory({ initial: 64 }) },
  { label: 'shared memory (threaded build)', memory: () => new WebAssembly.Memory({ initial: 64, maximum: 256, shared: true }) },
])('conv-grad wasm kernels on $label', ({ memory: makeMemory }) => {
  it.each(cases.map((c, i) => ({ ...c, i })))('filterGrad matches the definition: case $i (ci $ci, co $co, $kh×$kw, stride $s)', (c) => {
    for (const rowBlock of [1, 3, 64]) {
      const memory = makeMemory(), s = shapeOf(c, rowBlock);
      const x = random(s.n * s.h * s.w * s.ci, c.i + 1), dy = random(s.n * s.oh * s.ow * s.co, c.i + 2);
      const dwSize = s.kh * s.kw * s.ci * s.co;
      // Sentinels around dw catch writes outside it.
      const [xAt, dyAt, dwAt] = layOut(memory, [x, dy, new Float32Array(dwSize + 16).fill(7)]);
      convGradKernels(memory).filterGrad(xAt!, dyAt!, dwAt!, s);
      const out = new Float32Array(memory.buffer, dwAt!, dwSize + 16);
      // dw started at 7 everywhere: the kernel adds into it.
      const grad = out.slice(0, dwSize).map((v) => v - 7);
      expect(maxRelativeError(grad, referenceFilterGrad(x, dy, s)), `rowBlock ${rowBlock}`).toBeLessThan(1e-5);
      expect([...out.slice(dwSize)]).toEqual(new Array(16).fill(7));
    }
  });

  it.each(cases.filter((c) => c.ci % 8 === 0).map((c, i) => ({ ...c, i })))('inputGrad matches the definition: case $i (ci $ci, co $co, $kh×$kw, stride $s)', (c) => {
    for (const rowBlock of [1, 4, 64]) {
      const memory = makeMemory(), s = shapeOf(c, rowBlock);
      const dy = random(s.n * s.oh * s.ow * s.co, c.i + 3), w = random(s.kh * s.kw * s.ci * s.co, c.i + 4);
      // The kernel reads the filter as [kh, kw, co, ci].
      const wT = new Float32Array(w.length);
      for (let t = 0; t < s.kh * s.kw; t++) for (let ci = 0; ci < s.ci; ci++) for (let o = 0; o < s.co; o++) wT[(t * s.co + o) * s.ci + ci] = w[(t * s.ci + ci) * s.co + o]!;
      const dxSize = s.n * s.h * s.w * s.ci;
      const [dyAt, wAt, dxAt] = layOut(memory, [dy, wT, new Float32Array(dxSize + 16)]);
      new Float32Array(memory.buffer, dxAt! + dxSize * 4, 16).fill(7);
      convGradKernels(memory).inputGrad(dyAt!, wAt!, dxAt!, s);
      const out = new Float32Array(memory.buffer, dxAt!, dxSize + 16);
      expect(maxRelativeError(out.slice(0, dxSize), referenceInputGrad(dy, w, s)), `rowBlock ${rowBlock}`).toBeLessThan(1e-5);
      expect([...out.slice(dxSize)]).toEqual(new Array(16).fill(7));
    }
  });
});

describe('conv-grad-binary.ts', () => {
  it('is what scripts/build-wasm-kernels.ts assembles from conv-grad-wat.ts today (run `npm run build:wasm-kernels` after editing it)', async () => {
    const fresh = await assembleConvGrad();
    expect(Buffer.from(fresh.single).toString('base64')).toBe(committed.convGradSingle);
    expect(Buffer.from(fresh.shared).toString('base64')).toBe(committed.convGradShared);
  });
});
