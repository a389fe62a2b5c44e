import { convGradShared, convGradSingle } from './conv-grad-binary.js';

// Instantiates the conv-gradient kernels (conv-grad-wat.ts) on tfjs-wasm's memory, once per
// memory. Addresses are byte offsets into that memory; shapes follow the parameter list below.

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
}

type Raw = (a: number, b: number, c: number, ...shape: number[]) => void;
const modules = new Map<boolean, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, ConvGradKernels>();

const shapeArgs = (s: ConvGradShape) => [s.n, s.h, s.w, s.ci, s.oh, s.ow, s.co, s.kh, s.kw, s.sh, s.sw, s.pt, s.pl, s.rowBlock];

export function convGradKernels(memory: WebAssembly.Memory): ConvGradKernels {
  const known = instances.get(memory);
  if (known) return known;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  let module = modules.get(shared);
  if (!module) {
    module = new WebAssembly.Module(Buffer.from(shared ? convGradShared : convGradSingle, 'base64'));
    modules.set(shared, module);
  }
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as { filterGrad: Raw; inputGrad: Raw };
  const kernels: ConvGradKernels = {
    filterGrad: (x, dy, dw, shape) => exports.filterGrad(x, dy, dw, ...shapeArgs(shape)),
    inputGrad: (dy, wT, dx, shape) => exports.inputGrad(dy, wT, dx, ...shapeArgs(shape)),
  };
  instances.set(memory, kernels);
  return kernels;
}
