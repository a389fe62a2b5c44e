import { kernelsShared, kernelsSingle } from './kernels-binary.js';
import { channelPassSignatures, flushEvery } from './channel-wat.js';
import { KernelPool, splitTiles, type KernelExports, type Raw } from './kernel-pool.js';

export type ChannelPassName = keyof typeof channelPassSignatures;

// Instantiates our wasm training kernels (kernels-wat.ts) on tfjs-wasm's memory, once per memory.
// Addresses are byte offsets into that memory. On the threaded build's shared memory with
// threads > 1, each call is split over a pool of worker threads (kernel-pool.ts).

export interface ConvGradShape {
  n: number;
  h: number;
  w: number;
  ci: number;
  oh: number;
  ow: number;
  co: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  /** Padding before (top, left); after is implied by the output size. */
  pt: number;
  pl: number;
  /** dy rows ((img, oy) pairs) reduced per pass over the taps. */
  rowBlock: number;
}

export interface WasmKernels {
  /** dw[kh,kw,ci,co] += Σ x·dy; needs co % 8 = 0. */
  filterGrad(x: number, dy: number, dw: number, shape: ConvGradShape): void;
  /** dx[n,h,w,ci] += Σ dy·wT with wT [kh,kw,co,ci]; needs ci % 8 = 0. */
  inputGrad(dy: number, wT: number, dx: number, shape: ConvGradShape): void;
  /** y[n,oh,ow,co] = conv(x, f [kh,kw,ci,co]); needs co % 8 = 0 and `zeros`: ci zero floats. */
  conv2dForward(x: number, f: number, y: number, zeros: number, shape: ConvGradShape): void;
  /** c[m,n] = Σ_k a[k,m]·b[k,n]; needs n % 8 = 0, k ≥ 1 and gemmScratchBytes(k) bytes of scratch. */
  gemmAtB(a: number, b: number, c: number, k: number, m: number, n: number, scratch: number): void;
  /** c[m,n] = Σ_k a[m,k]·b[n,k]; same needs. */
  gemmABt(a: number, b: number, c: number, m: number, n: number, k: number, scratch: number): void;
  /**
   * A fused per-channel pass of channel-wat.ts by name over p pixels × c channels: byte offsets of
   * its streams and vectors (in its order), of its [c] float32 sums, and of one
   * channelScratchBytes(c) scratch per sum.
   */
  channelPass(name: ChannelPassName, tensors: number[], sums: number[], scratch: number[], p: number, c: number): void;
  /** Scratch bytes one sum of a channel pass needs. */
  channelScratchBytes(c: number): number;
  /** One SGD-with-momentum update of n floats (optimizer-wat.ts): w, v, g in; w', v' out. */
  sgdMomentum(
    w: number,
    v: number,
    g: number,
    wOut: number,
    vOut: number,
    n: number,
    lr: number,
    momentum: number,
    decay: number,
  ): void;
  /** counts[r] = Σ_n w_n exp(−((s_n − t_r)·scale)²) (histogram-wat.ts). */
  gaussianCounts(s: number, w: number, t: number, counts: number, n: number, r: number, scale: number): void;
  /** ds[n] = −2·scale·w_n Σ_r g_r x exp(−x²), x = (s_n − t_r)·scale: the backward of gaussianCounts. */
  gaussianCountsGrad(s: number, w: number, t: number, g: number, ds: number, n: number, r: number, scale: number): void;
  /** Scratch bytes a gemm call with reduction length k needs (every thread's part). */
  gemmScratchBytes(k: number): number;
  /** Threads a call is split over. */
  readonly threads: number;
  /** Why the worker threads are not used although threads > 1 (calls then run on one thread). */
  readonly failure: string | undefined;
}

let enabled = true;
let poolThreads: number | undefined;

/**
 * Threads our kernels split over on the threaded build, when that differs from tfjs-wasm's own
 * (XNNPACK's) count: backend.ts runs XNNPACK on one thread and our pool on all of them, because
 * XNNPACK's pool threads spin for milliseconds after every op and would take the cores our
 * kernels' threads need. Undefined: the same count as XNNPACK.
 */
export function setKernelPoolThreads(threads: number | undefined): void {
  poolThreads = threads;
}

export function kernelPoolThreads(): number | undefined {
  return poolThreads;
}

/**
 * Turns our wasm kernels off (the XNNPACK compositions then run everywhere) or back on: for
 * before/after benchmarks and for ruling them out when a gradient looks wrong.
 */
export function setWasmTrainingKernels(on: boolean): void {
  enabled = on;
}

export function wasmTrainingKernelsEnabled(): boolean {
  return enabled;
}

/** Channel passes smaller than this (pixels × channels) run on the calling thread. */
const poolMinChannelFloats = 1 << 15;

const modules = new Map<boolean, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, Map<number, WasmKernels>>();

const shapeArgs = (s: ConvGradShape) => [
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

/**
 * The kernels for `memory`, each call split over `threads` (> 1 only for a shared memory); one
 * set per (memory, threads), so the pool size may change between calls (setKernelPoolThreads).
 */
export function wasmKernels(memory: WebAssembly.Memory, threads = 1): WasmKernels {
  const known = instances.get(memory)?.get(threads);
  if (known) return known;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  let module = modules.get(shared);
  if (!module) {
    module = new WebAssembly.Module(Buffer.from(shared ? kernelsShared : kernelsSingle, 'base64'));
    modules.set(shared, module);
  }
  const local = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  const pool = shared && threads > 1 ? new KernelPool(memory, module, threads - 1, local) : undefined;
  const parts = pool?.threads ?? 1;
  const perThreadScratch = (k: number) => k * 32; // gemmABt packs [k][8] floats, gemmAtB [k][4]
  const channelScratchPerThread = (c: number) => c * 12; // float64 totals + float32 partials
  const run = (kernel: keyof KernelExports, args: number[], extras: number[][]) => {
    if (pool) pool.run(kernel, args, extras);
    else local[kernel](...args, ...extras[0]!);
  };
  const kernels: WasmKernels = {
    threads: parts,
    get failure() {
      return pool?.failure;
    },
    filterGrad: (x, dy, dw, shape) => {
      // Split the input channels (tiles of 4) when there are enough, else the output channels (tiles of 8).
      const extras =
        Math.ceil(shape.ci / 4) >= parts
          ? splitTiles(shape.ci, 4, parts).map(([b, e]) => [b, e, 0, shape.co])
          : splitTiles(shape.co, 8, parts).map(([b, e]) => [0, shape.ci, b, e]);
      run('filterGrad', [x, dy, dw, ...shapeArgs(shape)], extras);
    },
    conv2dForward: (x, f, y, zeros, shape) =>
      run('conv2dForward', [x, f, y, zeros, ...shapeArgs(shape)], splitTiles(shape.co, 8, parts)),
    inputGrad: (dy, wT, dx, shape) =>
      run('inputGrad', [dy, wT, dx, ...shapeArgs(shape)], splitTiles(shape.ci, 8, parts)),
    gemmAtB: (a, b, c, k, m, n, scratch) =>
      run(
        'gemmAtB',
        [a, b, c, k, m, n],
        splitTiles(m, 4, parts).map(([s, e], t) => [s, e, scratch + t * perThreadScratch(k)]),
      ),
    gemmABt: (a, b, c, m, n, k, scratch) =>
      run(
        'gemmABt',
        [a, b, c, m, n, k],
        splitTiles(n, 8, parts).map(([s, e], t) => [s, e, scratch + t * perThreadScratch(k)]),
      ),
    gemmScratchBytes: (k) => parts * perThreadScratch(k),
    channelPass: (name, tensors, sums, scratch, p, c) => {
      // Each thread sums its pixels into its own scratch (float64); the totals are added here in
      // thread order. Small passes stay on the calling thread (a split costs more than it saves).
      const threadScratch = (t: number) => scratch.map((at) => at + t * channelScratchPerThread(c));
      const ranges = pool && p * c >= poolMinChannelFloats ? splitTiles(p, flushEvery, parts) : [[0, p]];
      if (ranges.length > 1)
        run(
          name,
          [...tensors, c],
          ranges.map(([b, e], t) => [b!, e!, ...threadScratch(t)]),
        );
      else local[name](...tensors, c, 0, p, ...threadScratch(0));
      const heap = new DataView(memory.buffer);
      sums.forEach((out, k) => {
        const totals = ranges.map((_, t) => threadScratch(t)[k]!); // each thread's float64 [c]
        for (let ch = 0; ch < c; ch++) {
          let total = 0;
          for (const at of totals) total += heap.getFloat64(at + 8 * ch, true);
          heap.setFloat32(out + 4 * ch, total, true);
        }
      });
    },
    channelScratchBytes: (c) => parts * channelScratchPerThread(c),
    sgdMomentum: (...args) => (local as unknown as Record<string, Raw>).sgdMomentum!(...args),
    gaussianCounts: (...args) => (local as unknown as Record<string, Raw>).gaussianCounts!(...args),
    gaussianCountsGrad: (...args) => (local as unknown as Record<string, Raw>).gaussianCountsGrad!(...args),
  };
  const byThreads = instances.get(memory) ?? new Map<number, WasmKernels>();
  byThreads.set(threads, kernels);
  instances.set(memory, byThreads);
  return kernels;
}
