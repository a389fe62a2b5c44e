import * as tf from '@tensorflow/tfjs';
import { rowBlockFor } from './conv2d-backprop-filter.js';
import { KernelRunner, replacedKernel, type TensorInfo } from './kernel-runner.js';
import { wasmKernels, wasmTrainingKernelsEnabled } from './wasm/wasm-kernels.js';

// Conv2D on wasm: our kernel (wasm/conv-forward-wat.ts, ~15–20% faster than XNNPACK's here, which
// also repacks the filter on every call) for NHWC, undilated convolutions with co % 8 = 0 and at
// least 8 input channels; XNNPACK's for the rest (an RGB input layer reduces over 3 values per
// tap, too few for our tiling).

let lastPath: 'wasm kernel' | 'xnnpack' | undefined;

/** Test hook: which kernel ran the last Conv2D. */
export function lastConv2dPath(): typeof lastPath {
  return lastPath;
}

export function conv2dForward(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
  backendName: string,
): TensorInfo {
  const stock = replacedKernel(tf.Conv2D, backendName);
  if (!stock) throw new Error(`Conv2D on ${backendName}: the stock kernel is missing`);
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
  const run = new KernelRunner(backend, backendName);
  const heap = run.heap(),
    memory = heap?.memory();
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const ours =
    heap &&
    memory &&
    wasmTrainingKernelsEnabled() &&
    x.dtype === 'float32' &&
    info.dataFormat === 'channelsLast' &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.outChannels % 8 === 0 &&
    info.inChannels >= 8;
  if (!ours) {
    lastPath = 'xnnpack';
    return stock.kernelFunc(args) as TensorInfo;
  }
  lastPath = 'wasm kernel';
  const {
    batchSize: n,
    inHeight: h,
    inWidth: w,
    inChannels: ci,
    outHeight: oh,
    outWidth: ow,
    outChannels: co,
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: sh,
    strideWidth: sw,
    padInfo,
  } = info;
  const y = heap.allocate([n, oh, ow, co]);
  const zeros = heap.allocate([ci]);
  heap.view().fill(0, heap.offset(zeros), heap.offset(zeros) + ci);
  wasmKernels(memory, heap.threads()).conv2dForward(
    heap.offset(x) * 4,
    heap.offset(filter) * 4,
    heap.offset(y) * 4,
    heap.offset(zeros) * 4,
    { n, h, w, ci, oh, ow, co, kh, kw, sh, sw, pt: padInfo.top, pl: padInfo.left, rowBlock: rowBlockFor(ow) },
  );
  return run.finish(y);
}
