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
//  rows     (few input channels, e.g. RGB) patches [kh·kw·ci, OH·OW·n] built in JavaScript times
//           dy as [OH·OW·n, co], one matmul.
//
// Costs measured on wasm: tfjs-wasm repacks a conv's filter on every call (~7 ns per element:
// a strided transpose plus XNNPACK's packing), and the GEMM costs ~2.7 ns per (4×8 output tile
// × reduction step). The flipped layout packs x instead of dy (half as much for a conv that
// doubles the channels) but tiles worse when x has few channels, so we pick by estimate.

export type FilterGradPlan = 'dilated' | 'flipped' | 'rows';
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
    // Building the patches in JavaScript costs ~5 ns per element: only worth it when they are
    // no wider than dy (an RGB input layer), where it beats the dilated layout by ~25%.
    rows: kh * kw * ci <= co ? 0 : Infinity,
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
  const plan = forcedPlan && costs[forcedPlan] < Infinity ? forcedPlan
    : (Object.keys(costs) as Plan[]).reduce((best, p) => (costs[p] < costs[best] ? p : best), 'dilated');
  const grad = plan === 'dilated' ? dilated(run, x, dy, info) : plan === 'flipped' ? flipped(run, x, dy, info) : rows(run, x, dy, info);
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

/**
 * The GEMM as a matmul: patches [kh·kw·ci, OH·OW·n] (rows built here in JavaScript from x as
 * [ci,H,W,n], where every copy is a run of n floats) times dy as [OH·OW·n, co]. XNNPACK's matmul
 * packs dy at half the cost of a conv filter and runs ~25% faster than the dilated conv.
 */
function rows(run: KernelRunner, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, padInfo } = info;
  const src = run.read(run.channelsToBatch(x)); // [ci, H, W, n]
  const reduction = oh * ow * n;
  const patches = new Float32Array(kh * kw * ci * reduction);
  let d = 0;
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      for (let c = 0; c < ci; c++) {
        const plane = c * h * w * n;
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh + ky - padInfo.top;
          if (iy < 0 || iy >= h) { d += ow * n; continue; } // zero padding (array starts zeroed)
          const rowBase = plane + iy * w * n;
          for (let ox = 0; ox < ow; ox++) {
            const ix = ox * sw + kx - padInfo.left;
            if (ix < 0 || ix >= w) { d += n; continue; }
            let s = rowBase + ix * n;
            const end = d + n;
            while (d < end) patches[d++] = src[s++]!;
          }
        }
      }
    }
  }
  const a = run.write(patches, [1, kh * kw * ci, reduction]);
  const b = run.reshape(run.transpose(dy, [1, 2, 0, 3]), [1, reduction, co]); // rows (oy, ox, n)
  const product = run.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  return run.reshape(product, [kh, kw, ci, co]);
}
