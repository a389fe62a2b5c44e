import { describe, expect, it } from 'vitest';
import { kernelsShared } from './kernels-binary.js';
import { channelPassSignatures } from './channel-wat.js';
import { KernelPool, splitTiles, type KernelExports } from './kernel-pool.js';
import { wasmKernels, type ChannelPassName } from './wasm-kernels.js';
import {
  layOut,
  maxRelativeError,
  random,
  referenceFilterGrad,
  referenceInputGrad,
  shapeOf,
  type Case,
} from './test-support/reference.js';

// Real worker threads on a shared memory, against the plain-loop definitions.

const sharedMemory = () => new WebAssembly.Memory({ initial: 64, maximum: 256, shared: true });

describe('splitTiles', () => {
  it('cuts channels into near-equal runs of whole tiles, the last tile short', () => {
    expect(splitTiles(32, 4, 3)).toEqual([
      [0, 8],
      [8, 20],
      [20, 32],
    ]);
    expect(splitTiles(3, 4, 2)).toEqual([
      [0, 0],
      [0, 3],
    ]); // one tile: the first part is empty
    expect(splitTiles(10, 4, 2)).toEqual([
      [0, 4],
      [4, 10],
    ]);
  });
});

describe('wasm kernels on worker threads (shared memory)', () => {
  // 24 input channels: 6 filter tiles (split by input channel) and 3 input tiles; 5 input
  // channels: 2 filter tiles < 3 threads, so the output channels are split instead.
  const splitCases: Case[] = [
    { n: 3, h: 9, w: 8, ci: 24, co: 16, kh: 3, kw: 3, s: 2, pt: 1, pb: 1, pl: 0, pr: 1 },
    { n: 2, h: 7, w: 7, ci: 5, co: 24, kh: 3, kw: 3, s: 1, pt: 1, pb: 1, pl: 1, pr: 1 },
  ];

  it.each(splitCases.map((c, i) => ({ ...c, i })))(
    'three threads give the definition: case $i (ci $ci, co $co)',
    (c) => {
      const memory = sharedMemory(),
        kernels = wasmKernels(memory, 3),
        s = shapeOf(c, 4);
      expect(kernels.threads).toBe(3);
      const x = random(s.n * s.h * s.w * s.ci, 1),
        dy = random(s.n * s.oh * s.ow * s.co, 2),
        w = random(s.kh * s.kw * s.ci * s.co, 3);
      const wT = new Float32Array(w.length);
      for (let t = 0; t < s.kh * s.kw; t++)
        for (let ci = 0; ci < s.ci; ci++)
          for (let o = 0; o < s.co; o++) wT[(t * s.co + o) * s.ci + ci] = w[(t * s.ci + ci) * s.co + o]!;
      const dwSize = s.kh * s.kw * s.ci * s.co,
        dxSize = s.n * s.h * s.w * s.ci;
      const [xAt, dyAt, wAt, dwAt, dxAt] = layOut(memory, [
        x,
        dy,
        wT,
        new Float32Array(dwSize),
        new Float32Array(dxSize),
      ]);
      for (let repeat = 0; repeat < 3; repeat++) {
        new Float32Array(memory.buffer, dwAt!, dwSize).fill(0);
        kernels.filterGrad(xAt!, dyAt!, dwAt!, s);
        expect(
          maxRelativeError(new Float32Array(memory.buffer, dwAt!, dwSize), referenceFilterGrad(x, dy, s)),
        ).toBeLessThan(1e-5);
        if (s.ci % 8 === 0) {
          new Float32Array(memory.buffer, dxAt!, dxSize).fill(0);
          kernels.inputGrad(dyAt!, wAt!, dxAt!, s);
          expect(
            maxRelativeError(new Float32Array(memory.buffer, dxAt!, dxSize), referenceInputGrad(dy, w, s)),
          ).toBeLessThan(1e-5);
        }
      }
      expect(kernels.failure).toBeUndefined();
    },
  );

  // 1000 pixels (not a multiple of the 32-pixel float32 partials) × 36 channels: large enough
  // to be split, so three threads walk their own pixels and the caller adds their sums.
  it.each(Object.keys(channelPassSignatures) as ChannelPassName[])(
    'the channel pass %s on three threads gives the one-thread result',
    (pass) => {
      const { streams, vectors, sums } = channelPassSignatures[pass]!;
      const p = 1000,
        c = 36,
        memory = sharedMemory(),
        one = wasmKernels(memory, 1),
        three = wasmKernels(memory, 3);
      expect(three.threads).toBe(3);
      const written = (name: string) => name === 'y' || name === 'dx'; // the passes' output streams
      const tensors = [...streams.map((_, i) => random(p * c, 10 + i)), ...vectors.map((_, i) => random(c, 20 + i))];
      const sumOuts = sums.map(() => new Float32Array(c));
      const scratch = sums.map(() => new Float32Array(three.channelScratchBytes(c) / 4));
      const at = layOut(memory, [...tensors, ...sumOuts, ...scratch]);
      const tensorsAt = at.slice(0, tensors.length),
        sumsAt = at.slice(tensors.length, tensors.length + sums.length),
        scratchAt = at.slice(tensors.length + sums.length);
      const results = [one, three].map((kernels) => {
        // Outputs and scratch start as NaN: the pass must overwrite every value it returns.
        streams.forEach((name, i) => written(name) && new Float32Array(memory.buffer, tensorsAt[i]!, p * c).fill(NaN));
        for (const out of sumsAt) new Float32Array(memory.buffer, out, c).fill(NaN);
        for (const s of scratchAt) new Float32Array(memory.buffer, s, three.channelScratchBytes(c) / 4).fill(NaN);
        kernels.channelPass(pass, tensorsAt, sumsAt, scratchAt, p, c);
        return [
          ...streams.flatMap((name, i) =>
            written(name) ? [new Float32Array(memory.buffer, tensorsAt[i]!, p * c).slice()] : [],
          ),
          ...sumsAt.map((out) => new Float32Array(memory.buffer, out, c).slice()),
        ];
      });
      const [single, split] = results as [Float32Array[], Float32Array[]];
      expect(split.length).toBe(streams.filter(written).length + sums.length);
      for (const [i, got] of split.entries()) {
        expect(got.every(Number.isFinite), `output ${i}`).toBe(true);
        // Streams are the same to the bit; sums add the same float32 partials in another order
        // in float64, so they may differ in float32's last place at most.
        got.forEach((v, k) =>
          expect(Math.abs(v - single[i]![k]!), `output ${i}[${k}]`).toBeLessThanOrEqual(
            i < split.length - sums.length ? 0 : 2 ** -23 * Math.abs(single[i]![k]!),
          ),
        );
      }
      expect(three.failure).toBeUndefined();
    },
  );

  it('runs every part on the calling thread, with a warning, when the workers cannot start', () => {
    const memory = sharedMemory();
    const module = new WebAssembly.Module(Buffer.from(kernelsShared, 'base64'));
    const local = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    // A module the workers cannot instantiate (it needs an import they do not give).
    const unstartable = new WebAssembly.Module(
      Uint8Array.from([
        0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 13, 1, 3, 101, 110, 118, 5, 111, 116, 104, 101, 114, 0, 0,
      ]),
    );
    const pool = new KernelPool(memory, unstartable, 2, local, 300);
    try {
      const c: Case = { n: 2, h: 6, w: 6, ci: 8, co: 8, kh: 3, kw: 3, s: 1, pt: 1, pb: 1, pl: 1, pr: 1 };
      const s = shapeOf(c, 2);
      const x = random(s.n * s.h * s.w * s.ci, 4),
        dy = random(s.n * s.oh * s.ow * s.co, 5);
      const dwSize = s.kh * s.kw * s.ci * s.co;
      const [xAt, dyAt, dwAt] = layOut(memory, [x, dy, new Float32Array(dwSize)]);
      const args = [
        xAt!,
        dyAt!,
        dwAt!,
        s.n,
        s.h,
        s.w,
        s.ci,
        s.oh,
        s.ow,
        s.co,
        s.kh,
        s.kw,
        s.sh,
        s.sw,
        s.pt,
        s.pl,
        s.rowBlock,
      ];
      pool.run(
        'filterGrad',
        args,
        splitTiles(s.ci, 4, 3).map(([b, e]) => [b, e, 0, s.co]),
      );
      expect(
        maxRelativeError(new Float32Array(memory.buffer, dwAt!, dwSize), referenceFilterGrad(x, dy, s)),
      ).toBeLessThan(1e-5);
      expect(pool.failure).toMatch(/did not start within 0.3 s|worker thread failed/);
    } finally {
      pool.close();
    }
  });
});
