import * as tf from '@tensorflow/tfjs';
import { KernelRunner, type TensorInfo } from './kernel-runner.js';
import { depthwiseShared, depthwiseSingle } from './wasm/depthwise-binary.js';
import { wasmTrainingKernelsEnabled } from './wasm/wasm-kernels.js';

// Depthwise convolution's gradients on wasm, which tfjs-wasm lacks (its DepthwiseConv2dNative
// forward is XNNPACK), plus our forward for comparison: the loop nest of wasm/depthwise-wat.ts on
// tfjs-wasm's heap, reading x, dy and the filter where tfjs keeps them. Channel counts that are
// not a multiple of 4, and setWasmTrainingKernels(false), run the same loops in JavaScript.
// Channel multiplier 1 and no dilation (what depthwise-separable networks use); anything else is
// an error that says so. The kernels run on the calling thread.

type Mode = 'forward' | 'inputGrad' | 'filterGrad';
type Raw = (...args: number[]) => void;
const exportName: Record<Mode, string> = {
  forward: 'depthwiseForward',
  inputGrad: 'depthwiseInputGrad',
  filterGrad: 'depthwiseFilterGrad',
};

const instances = new WeakMap<WebAssembly.Memory, Record<string, Raw>>();
const modules = new Map<boolean, WebAssembly.Module>();

function instanceFor(memory: WebAssembly.Memory): Record<string, Raw> {
  const known = instances.get(memory);
  if (known) return known;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  let module = modules.get(shared);
  if (!module) {
    module = new WebAssembly.Module(Buffer.from(shared ? depthwiseShared : depthwiseSingle, 'base64'));
    modules.set(shared, module);
  }
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Record<string, Raw>;
  instances.set(memory, exports);
  return exports;
}

export interface DepthwiseShape {
  n: number;
  h: number;
  w: number;
  ch: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  pt: number;
  pl: number;
}

/**
 * The loop nest in JavaScript over float offsets into `heap` (in-pixel array, out-pixel array,
 * taps), accumulating into the mode's output, like the wasm kernel.
 */
export function depthwiseLoops(
  heap: Float32Array,
  mode: Mode,
  inAt: number,
  outAt: number,
  tapAt: number,
  s: DepthwiseShape,
): void {
  const { n, h, w, ch, oh, ow, kh, kw, sh, sw, pt, pl } = s;
  for (let img = 0; img < n; img++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const pout = outAt + ((img * oh + oy) * ow + ox) * ch;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pl + kx;
            if (ix < 0 || ix >= w) continue;
            const pin = inAt + ((img * h + iy) * w + ix) * ch,
              ptap = tapAt + (ky * kw + kx) * ch;
            for (let k = 0; k < ch; k++) {
              if (mode === 'forward') heap[pout + k] += heap[pin + k]! * heap[ptap + k]!;
              else if (mode === 'inputGrad') heap[pin + k] += heap[pout + k]! * heap[ptap + k]!;
              else heap[ptap + k] += heap[pin + k]! * heap[pout + k]!;
            }
          }
        }
      }
}

function shapeOf(info: tf.backend_util.Conv2DInfo): DepthwiseShape {
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    ch: info.inChannels,
    oh: info.outHeight,
    ow: info.outWidth,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    pt: info.padInfo.top,
    pl: info.padInfo.left,
  };
}

let lastPath: 'wasm' | 'javascript' | undefined;

/** Test hook: whether the last depthwise kernel ran our wasm loops or the JavaScript ones. */
export function lastDepthwisePath(): 'wasm' | 'javascript' | undefined {
  return lastPath;
}

type Args = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap };

function run(args: Args, backendName: string, mode: Mode): TensorInfo {
  const a = args.attrs as unknown as {
    strides: [number, number] | number;
    pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
    dilations?: [number, number] | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape?: [number, number, number, number];
    filterShape?: [number, number, number, number];
  };
  const { x, dy, filter } = args.inputs as Record<string, TensorInfo>;
  const xShape = (mode === 'inputGrad' ? a.inputShape : x!.shape) as [number, number, number, number];
  const filterShape = (mode === 'filterGrad' ? a.filterShape : filter!.shape) as [number, number, number, number];
  const dilations = a.dilations ?? 1;
  if ((Array.isArray(dilations) ? dilations : [dilations]).some((d) => d !== 1) || filterShape[3] !== 1)
    throw new Error(
      `depthwise convolution on ${backendName}: only dilation 1 and channel multiplier 1 are supported, got dilations ${JSON.stringify(dilations)} and filter [${filterShape}]`,
    );
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, a.strides, 1, a.pad, a.dimRoundingMode, true);
  const runner = new KernelRunner(args.backend, backendName);
  const heap = runner.heap();
  if (!heap) throw new Error(`depthwise kernels need the wasm heap; backend ${backendName} has none`);
  const outShape = mode === 'forward' ? info.outShape : mode === 'inputGrad' ? xShape : filterShape;
  const out = heap.allocate(outShape);
  const s = shapeOf(info);
  const outSize = outShape.reduce((p, q) => p * q, 1);
  const view = heap.view();
  view.fill(0, heap.offset(out), heap.offset(out) + outSize);
  // Float offsets of the in-pixel, out-pixel and tap arrays.
  const inAt = heap.offset(mode === 'inputGrad' ? out : x!),
    outAt = heap.offset(mode === 'forward' ? out : dy!),
    tapAt = heap.offset(mode === 'filterGrad' ? out : filter!);
  const memory = heap.memory();
  if (memory && wasmTrainingKernelsEnabled() && s.ch % 4 === 0) {
    instanceFor(memory)[exportName[mode]]!(
      inAt * 4,
      outAt * 4,
      tapAt * 4,
      s.n,
      s.h,
      s.w,
      s.ch,
      s.oh,
      s.ow,
      s.kh,
      s.kw,
      s.sh,
      s.sw,
      s.pt,
      s.pl,
      0,
      s.ch,
    );
    lastPath = 'wasm';
  } else {
    depthwiseLoops(heap.view(), mode, inAt, outAt, tapAt, s);
    lastPath = 'javascript';
  }
  return runner.finish(out);
}

export const depthwiseForward = (args: Args, backendName: string) => run(args, backendName, 'forward');
export const depthwiseBackpropInput = (args: Args, backendName: string) => run(args, backendName, 'inputGrad');
export const depthwiseBackpropFilter = (args: Args, backendName: string) => run(args, backendName, 'filterGrad');
