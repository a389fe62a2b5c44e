import { convGradShared, convGradSingle } from './conv-grad-binary.js';
import { ConvGradPool, splitTiles, type Raw } from './conv-grad-pool.js';

// Instantiates the conv-gradient kernels (conv-grad-wat.ts) on tfjs-wasm's memory, once per
// memory. Addresses are byte offsets into that memory. On the threaded build's shared memory
// with threads > 1, each call is split by channel ranges over a pool of worker threads.

export interface ConvGradShape {
  n: number; h: number; w: number; ci: number;
  oh: number; ow: number; co: number;
  kh: number; kw: number; sh: number; sw: number;
  /** Padding before (top, left); after is implied by the output size. */
  pt: number; pl: number;
  /** dy rows ((img, oy) pairs) reduced per pass over the taps. */
  rowBlock: number;
}

export interface ConvGradKernels {
  /** dw[kh,kw,ci,co] += Σ x·dy; needs co % 8 = 0. */
  filterGrad(x: number, dy: number, dw: number, shape: ConvGradShape): void;
  /** dx[n,h,w,ci] += Σ dy·wT with wT [kh,kw,co,ci]; needs ci % 8 = 0. */
  inputGrad(dy: number, wT: number, dx: number, shape: ConvGradShape): void;
  /** Threads a call is split over. */
  readonly threads: number;
  /** Why the worker threads are not used although threads > 1 (calls then run on one thread). */
  readonly failure: string | undefined;
}

let enabled = true;

/**
 * Turns the wasm conv-gradient kernels off (the XNNPACK compositions then run everywhere) or back
 * on: for before/after benchmarks and for ruling them out when a gradient looks wrong.
 */
export function setDirectConvGradKernels(on: boolean): void {
  enabled = on;
}

export function directConvGradKernelsEnabled(): boolean {
  return enabled;
}

const modules = new Map<boolean, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, ConvGradKernels>();

const shapeArgs = (s: ConvGradShape) => [s.n, s.h, s.w, s.ci, s.oh, s.ow, s.co, s.kh, s.kw, s.sh, s.sw, s.pt, s.pl, s.rowBlock];

/** The kernels for `memory`; `threads` (> 1 only for a shared memory) is fixed at the first call. */
export function convGradKernels(memory: WebAssembly.Memory, threads = 1): ConvGradKernels {
  const known = instances.get(memory);
  if (known) return known;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  let module = modules.get(shared);
  if (!module) {
    module = new WebAssembly.Module(Buffer.from(shared ? convGradShared : convGradSingle, 'base64'));
    modules.set(shared, module);
  }
  const local = new WebAssembly.Instance(module, { env: { memory } }).exports as { filterGrad: Raw; inputGrad: Raw };
  const pool = shared && threads > 1 ? new ConvGradPool(memory, module, threads - 1, local) : undefined;
  const parts = pool?.threads ?? 1;
  const kernels: ConvGradKernels = {
    threads: parts,
    get failure() { return pool?.failure; },
    filterGrad: (x, dy, dw, shape) => {
      const args = [x, dy, dw, ...shapeArgs(shape)];
      // Split the input channels (tiles of 4) when there are enough, else the output channels (tiles of 8).
      const ranges = Math.ceil(shape.ci / 4) >= parts
        ? splitTiles(shape.ci, 4, parts).map(([b, e]) => [b, e, 0, shape.co])
        : splitTiles(shape.co, 8, parts).map(([b, e]) => [0, shape.ci, b, e]);
      if (pool) pool.run('filterGrad', args, ranges);
      else local.filterGrad(...args, 0, shape.ci, 0, shape.co);
    },
    inputGrad: (dy, wT, dx, shape) => {
      const args = [dy, wT, dx, ...shapeArgs(shape)];
      if (pool) pool.run('inputGrad', args, splitTiles(shape.ci, 8, parts));
      else local.inputGrad(...args, 0, shape.ci);
    },
  };
  instances.set(memory, kernels);
  return kernels;
}
