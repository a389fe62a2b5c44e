import * as tf from '@tensorflow/tfjs';
import { KernelRunner, replacedKernel, type TensorInfo } from './kernel-runner.js';

// dW[ky,kx,ci,co] = Σ_{n,oy,ox} x[n, oy·s+ky−pt, ox·s+kx−pl, ci] · dy[n,oy,ox,co] is a GEMM whose
// reduction runs over every pixel of the batch, written as one XNNPACK convolution:
//
//  dilated  x as [ci,H,W,n] (batch ↔ channels) convolved with dy as a [OH,OW,n,co] filter
//           dilated by the stride → [ci,kh,kw,co].
//  flipped  (stride 1 only) dy as [co,OH,OW,n] convolved with x as a [H,W,n,ci] filter → the
//           kernel-flipped [co,kh,kw,ci].
//
// Costs measured on wasm: tfjs-wasm repacks a conv's filter on every call (~7 ns per element:
// a strided transpose plus XNNPACK's packing), and the GEMM costs ~2.7 ns per (4×8 output tile
// × reduction step). The flipped layout packs x instead of dy (half as much for a conv that
// doubles the channels) but tiles worse when x has few channels, so we pick by estimate.

export type FilterGradPlan = 'dilated' | 'flipped';
type Plan = FilterGradPlan;

let forcedPlan: Plan | undefined;

/** Test hook: run every Conv2DBackpropFilter with one layout (undefined: choose by cost). */
export function forceFilterGradPlan(plan: FilterGradPlan | undefined): void {
  forcedPlan = plan;
}

/** Estimated ns for each layout (see the header for the constants). */
export function filterGradCosts(info: tf.backend_util.Conv2DInfo): Record<Plan, number> {
  const { batchSize: n, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, strideHeight, strideWidth, filterHeight: kh, filterWidth: kw } = info;
  const xSize = n * inHeight * inWidth * ci, dySize = n * outHeight * outWidth * co;
  const reduction = n * outHeight * outWidth;
  const tiles = (rows: number, cols: number) => Math.ceil(rows / 4) * Math.ceil(cols / 8);
  return {
    dilated: 7 * dySize + 1.2 * xSize + 2.7 * tiles(kh * kw * ci, co) * reduction,
    flipped: strideHeight === 1 && strideWidth === 1 ? 7 * xSize + 1.2 * dySize + 2.7 * tiles(kh * kw * co, ci) * reduction : Infinity,
  };
}

export function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }, backendName: string): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, format);
  if (info.dataFormat !== 'channelsLast') {
    const stock = replacedKernel(tf.Conv2DBackpropFilter, backendName);
    if (stock) return stock.kernelFunc(args) as TensorInfo;
    throw new Error(`Conv2DBackpropFilter on ${backendName}: dataFormat ${dataFormat} is not supported; use NHWC`);
  }
  const run = new KernelRunner(backend, backendName);
  const costs = filterGradCosts(info);
  const plan = forcedPlan && costs[forcedPlan] < Infinity ? forcedPlan : costs.flipped < costs.dilated ? 'flipped' : 'dilated';
  const grad = plan === 'dilated' ? dilated(run, x, dy, info) : flipped(run, x, dy, info);
  return run.finish(grad);
}

function dilated(run: KernelRunner, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  const xT = run.channelsToBatch(x); // [ci, H, W, n]
  const dyT = run.transpose(dy, [1, 2, 0, 3]); // [OH, OW, n, co]
  // Bottom/right padding that makes the output exactly kh×kw; negative means "crop the input".
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - padInfo.top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - padInfo.left;
  const grad = run.conv2d(xT, dyT, { top: padInfo.top, bottom, left: padInfo.left, right }, [strideHeight, strideWidth]);
  return run.transpose(grad, [1, 2, 0, 3]);
}

function flipped(run: KernelRunner, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, padInfo } = info;
  const dyT = run.channelsToBatch(dy); // [co, OH, OW, n]
  const xT = run.transpose(x, [1, 2, 0, 3]); // [H, W, n, ci]
  // Output row a = kh−1−ky reads dy rows u − ky + pt, i.e. conv padding kh−1−pt before.
  const grad = run.conv2d(dyT, xT, { top: kh - 1 - padInfo.top, bottom: kh - 1 - padInfo.bottom, left: kw - 1 - padInfo.left, right: kw - 1 - padInfo.right });
  const unflipped = run.run('Reverse', { x: grad }, { dims: [1, 2] }); // [co, kh, kw, ci]
  return run.transpose(unflipped, [1, 2, 3, 0]);
}
