import type { ConvGradShape } from '../wasm-kernels.js';

// Shapes and plain-loop references for the conv-grad kernel tests.

export interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  kh: number;
  kw: number;
  s: number;
  pt: number;
  pb: number;
  pl: number;
  pr: number;
}

export const cases: Case[] = [
  { n: 2, h: 9, w: 7, ci: 8, co: 16, kh: 3, kw: 3, s: 2, pt: 1, pb: 1, pl: 1, pr: 1 },
  { n: 3, h: 6, w: 5, ci: 5, co: 8, kh: 3, kw: 3, s: 1, pt: 1, pb: 1, pl: 1, pr: 1 }, // partial channel tile
  { n: 1, h: 11, w: 10, ci: 16, co: 8, kh: 4, kw: 2, s: 3, pt: 0, pb: 0, pl: 0, pr: 0 },
  { n: 2, h: 8, w: 9, ci: 8, co: 24, kh: 5, kw: 5, s: 2, pt: 2, pb: 1, pl: 0, pr: 2 },
  { n: 4, h: 5, w: 5, ci: 3, co: 8, kh: 1, kw: 1, s: 1, pt: 0, pb: 0, pl: 0, pr: 0 },
];

const outSize = (size: number, k: number, s: number, before: number, after: number) =>
  Math.floor((size + before + after - k) / s) + 1;

export function shapeOf(c: Case, rowBlock: number): ConvGradShape {
  return {
    n: c.n,
    h: c.h,
    w: c.w,
    ci: c.ci,
    co: c.co,
    kh: c.kh,
    kw: c.kw,
    sh: c.s,
    sw: c.s,
    pt: c.pt,
    pl: c.pl,
    oh: outSize(c.h, c.kh, c.s, c.pt, c.pb),
    ow: outSize(c.w, c.kw, c.s, c.pl, c.pr),
    rowBlock,
  };
}

/** Calls f(img, oy, ox, ky, kx, iy, ix) for every tap that lands inside the image. */
export function eachTap(
  s: ConvGradShape,
  f: (img: number, oy: number, ox: number, ky: number, kx: number, iy: number, ix: number) => void,
): void {
  for (let img = 0; img < s.n; img++)
    for (let oy = 0; oy < s.oh; oy++)
      for (let ox = 0; ox < s.ow; ox++) {
        for (let ky = 0; ky < s.kh; ky++)
          for (let kx = 0; kx < s.kw; kx++) {
            const iy = oy * s.sh + ky - s.pt,
              ix = ox * s.sw + kx - s.pl;
            if (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w) f(img, oy, ox, ky, kx, iy, ix);
          }
      }
}

export function referenceFilterGrad(x: Float32Array, dy: Float32Array, s: ConvGradShape): Float64Array {
  const dw = new Float64Array(s.kh * s.kw * s.ci * s.co);
  eachTap(s, (img, oy, ox, ky, kx, iy, ix) => {
    for (let c = 0; c < s.ci; c++)
      for (let o = 0; o < s.co; o++) {
        dw[((ky * s.kw + kx) * s.ci + c) * s.co + o]! +=
          x[((img * s.h + iy) * s.w + ix) * s.ci + c]! * dy[((img * s.oh + oy) * s.ow + ox) * s.co + o]!;
      }
  });
  return dw;
}

export function referenceInputGrad(dy: Float32Array, w: Float32Array, s: ConvGradShape): Float64Array {
  const dx = new Float64Array(s.n * s.h * s.w * s.ci);
  eachTap(s, (img, oy, ox, ky, kx, iy, ix) => {
    for (let c = 0; c < s.ci; c++)
      for (let o = 0; o < s.co; o++) {
        dx[((img * s.h + iy) * s.w + ix) * s.ci + c]! +=
          dy[((img * s.oh + oy) * s.ow + ox) * s.co + o]! * w[((ky * s.kw + kx) * s.ci + c) * s.co + o]!;
      }
  });
  return dx;
}

/** Places arrays one after another in the memory, 64 bytes apart, and returns their byte offsets. */
export function layOut(memory: WebAssembly.Memory, arrays: Float32Array[]): number[] {
  const heap = new Float32Array(memory.buffer);
  let at = 16; // leave address 0 unused
  return arrays.map((a) => {
    const offset = at * 4;
    heap.set(a, at);
    at += a.length + 16;
    return offset;
  });
}

export const random = (count: number, seed: number) =>
  Float32Array.from({ length: count }, (_, i) => Math.sin(seed * 1000 + i * 12.9898) * 2);

export function maxRelativeError(got: Float32Array, want: Float64Array): number {
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]!)), 0) / scale;
}
