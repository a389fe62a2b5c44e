import * as tf from '@tensorflow/tfjs';
import { KernelRunner, replacedKernel, type TensorInfo } from './kernel-runner.js';
import { wasmKernels, wasmTrainingKernelsEnabled } from './wasm/wasm-kernels.js';

// dW[ky,kx,ci,co] = Σ_{n,oy,ox} x[n, oy·s+ky−pt, ox·s+kx−pl, ci] · dy[n,oy,ox,co] is a GEMM whose
// reduction runs over every pixel of the batch. On wasm with co % 8 = 0 our own wasm kernel
// (wasm/conv-grad-wat.ts) computes it straight from x and dy ('direct'); otherwise XNNPACK does,
// in one of three layouts:
//
//  rows     patches [kh·kw·ci, OH·OW·n] gathered from x (as [ci,H,W,n]) with memmoves on the
//           wasm heap, times dy as [OH·OW·n, co]: one matmul. Used while the patches fit 32 MB.
//  dilated  x as [ci,H,W,n] (batch ↔ channels) convolved with dy as a [OH,OW,n,co] filter
//           dilated by the stride → [ci,kh,kw,co].
//  flipped  (stride 1 only) dy as [co,OH,OW,n] convolved with x as a [H,W,n,ci] filter → the
//           kernel-flipped [co,kh,kw,ci].
//
// Costs measured on wasm: tfjs-wasm repacks a conv's filter on every call (~7 ns per element:
// a strided transpose plus XNNPACK's packing) where its matmul packs its right operand at half
// that, and the conv GEMM costs ~2.7 ns per (4×8 output tile × reduction step). The flipped
// layout packs x instead of dy (half as much for a conv that doubles the channels) but tiles
// worse when x has few channels, so between those two we pick by estimate.

export type FilterGradPlan = 'direct' | 'dilated' | 'flipped' | 'rows';
type Plan = Exclude<FilterGradPlan, 'direct'>;

let forcedPlan: FilterGradPlan | undefined;

/** Largest patch matrix the rows layout builds (32 MB). */
const maxPatchElements = 8_000_000;

let lastPlan: FilterGradPlan | undefined;

/** Test hook: the layout the last Conv2DBackpropFilter used. */
export function lastFilterGradPlan(): FilterGradPlan | undefined {
  return lastPlan;
}

/** Test hook: run every Conv2DBackpropFilter with one layout (undefined: choose by cost). */
export function forceFilterGradPlan(plan: FilterGradPlan | undefined): void {
  forcedPlan = plan;
}

/** Estimated ns for each layout (see the header for the constants). */
export function filterGradCosts(info: tf.backend_util.Conv2DInfo, onWasmHeap: boolean): Record<Plan, number> {
  const {
    batchSize: n,
    inHeight,
    inWidth,
    inChannels: ci,
    outHeight,
    outWidth,
    outChannels: co,
    strideHeight,
    strideWidth,
    filterHeight: kh,
    filterWidth: kw,
  } = info;
  const xSize = n * inHeight * inWidth * ci,
    dySize = n * outHeight * outWidth * co;
  const reduction = n * outHeight * outWidth;
  const tiles = (rows: number, cols: number) => Math.ceil(rows / 4) * Math.ceil(cols / 8);
  return {
    dilated: 7 * dySize + 1.2 * xSize + 2.7 * tiles(kh * kw * ci, co) * reduction,
    flipped:
      strideHeight === 1 && strideWidth === 1
        ? 7 * xSize + 1.2 * dySize + 2.7 * tiles(kh * kw * co, ci) * reduction
        : Infinity,
    // Measured on wasm: as fast as the others or faster (−35% on an RGB input layer, −25% on a
    // 64→128 layer) while the patches stay small; for bigger layers (a 16→16 conv at 48×48,
    // batch 64: 21 M patch values) the matmul, like the dilated conv, streams its right operand
    // from L3 once per 4 output rows, and the gather no longer pays: 69 ms against 54.
    // (On the cpu backend the gather runs on JavaScript arrays and loses to the dilated layout.)
    rows: onWasmHeap && kh * kw * ci * reduction <= maxPatchElements ? 0 : Infinity,
  };
}

export function conv2dBackpropFilter(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
  backendName: string,
): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  if (info.dataFormat !== 'channelsLast') {
    const stock = replacedKernel(tf.Conv2DBackpropFilter, backendName);
    if (stock) return stock.kernelFunc(args) as TensorInfo;
    throw new Error(`Conv2DBackpropFilter on ${backendName}: dataFormat ${dataFormat} is not supported; use NHWC`);
  }
  const run = new KernelRunner(backend, backendName);
  const directPossible =
    wasmTrainingKernelsEnabled() && info.outChannels % 8 === 0 && run.heap()?.memory() !== undefined;
  if (directPossible && (forcedPlan === undefined || forcedPlan === 'direct')) {
    lastPlan = 'direct';
    return run.finish(direct(run, x, dy, info));
  }
  const costs = filterGradCosts(info, run.heap() !== undefined);
  const possible =
    forcedPlan === 'flipped'
      ? info.strideHeight === 1 && info.strideWidth === 1
      : forcedPlan === 'dilated' || forcedPlan === 'rows';
  const plan = possible
    ? (forcedPlan as Plan)
    : (Object.keys(costs) as Plan[]).reduce((best, p) => (costs[p] < costs[best] ? p : best), 'dilated');
  lastPlan = plan;
  const grad =
    plan === 'dilated'
      ? dilated(run, x, dy, info)
      : plan === 'flipped'
        ? flipped(run, x, dy, info)
        : rows(run, x, dy, info);
  return run.finish(grad);
}

/** Our wasm kernel on the heap: dw zeroed, then accumulated tap by tap. */
function direct(run: KernelRunner, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const heap = run.heap()!;
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
  const dw = heap.allocate([kh, kw, ci, co]);
  const start = heap.offset(dw);
  heap.view().fill(0, start, start + kh * kw * ci * co);
  wasmKernels(heap.memory()!, heap.threads()).filterGrad(heap.offset(x) * 4, heap.offset(dy) * 4, start * 4, {
    n,
    h,
    w,
    ci,
    oh,
    ow,
    co,
    kh,
    kw,
    sh,
    sw,
    pt: padInfo.top,
    pl: padInfo.left,
    rowBlock: rowBlockFor(ow),
  });
  return dw;
}

/**
 * dy rows per block: ~32 pixels, whose x and dy rows stay in L1 across taps and tiles (measured
 * on the probe net's layers: 32 ≈ 64 < 128 < 512 pixels by 5–20%).
 */
export function rowBlockFor(outWidth: number): number {
  return Math.max(1, Math.round(32 / outWidth));
}

function dilated(run: KernelRunner, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } =
    info;
  const xT = run.channelsToBatch(x); // [ci, H, W, n]
  const dyT = run.transpose(dy, [1, 2, 0, 3]); // [OH, OW, n, co]
  // Bottom/right padding that makes the output exactly kh×kw; negative means "crop the input".
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - padInfo.top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - padInfo.left;
  const grad = run.conv2d(xT, dyT, { top: padInfo.top, bottom, left: padInfo.left, right }, [
    strideHeight,
    strideWidth,
  ]);
  return run.transpose(grad, [1, 2, 0, 3]);
}

function flipped(run: KernelRunner, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, padInfo } = info;
  const dyT = run.channelsToBatch(dy); // [co, OH, OW, n]
  const xT = run.transpose(x, [1, 2, 0, 3]); // [H, W, n, ci]
  // Output row a = kh−1−ky reads dy rows u − ky + pt, i.e. conv padding kh−1−pt before.
  const grad = run.conv2d(dyT, xT, {
    top: kh - 1 - padInfo.top,
    bottom: kh - 1 - padInfo.bottom,
    left: kw - 1 - padInfo.left,
    right: kw - 1 - padInfo.right,
  });
  const unflipped = run.run('Reverse', { x: grad }, { dims: [1, 2] }); // [co, kh, kw, ci]
  return run.transpose(unflipped, [1, 2, 3, 0]);
}

/**
 * The GEMM as a matmul: patches [kh·kw·ci, OH·OW·n] (rows gathered from x as [ci,H,W,n], every
 * copy a run of n floats or more) times dy as [OH·OW·n, co]. XNNPACK's matmul packs dy at half
 * the cost of a conv filter and runs ~25% faster than the dilated conv.
 */
function rows(run: KernelRunner, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const {
    batchSize: n,
    inChannels: ci,
    outHeight: oh,
    outWidth: ow,
    outChannels: co,
    filterHeight: kh,
    filterWidth: kw,
  } = info;
  const xT = run.channelsToBatch(x); // [ci, H, W, n]
  const columns = oh * ow * n;
  const shape = [1, kh * kw * ci, columns];
  const heap = run.heap();
  let patches: TensorInfo;
  if (heap) {
    // wasm: memmove runs between the two tensors on the heap; copyWithin (~30 ns a call)
    // beats an element loop over the heap view 4× even for 64 floats.
    patches = heap.allocate(shape);
    const view = heap.view(),
      src = heap.offset(xT),
      dst = heap.offset(patches);
    gatherRows(
      info,
      (d, s, count) => view.copyWithin(dst + d, src + s, src + s + count),
      (d, count) => view.fill(0, dst + d, dst + d + count),
    );
  } else {
    const values = run.read(xT),
      out = new Float32Array(shape[1]! * columns); // zero-filled
    gatherRows(
      info,
      (d, s, count) => out.set(values.subarray(s, s + count), d),
      () => undefined,
    );
    patches = run.write(out, shape);
  }
  const dyRows = run.reshape(run.transpose(dy, [1, 2, 0, 3]), [1, columns, co]); // rows (oy, ox, n)
  const product = run.run('BatchMatMul', { a: patches, b: dyRows }, { transposeA: false, transposeB: false });
  return run.reshape(product, [kh, kw, ci, co]);
}

/** Fills patches[(ky,kx,c), (oy,ox,n)] from x as [c,H,W,n] with copy(dst, src, count) and zero(dst, count), in elements. */
function gatherRows(
  info: tf.backend_util.Conv2DInfo,
  copy: (d: number, s: number, count: number) => void,
  zero: (d: number, count: number) => void,
): void {
  const {
    batchSize: n,
    inHeight: h,
    inWidth: w,
    inChannels: ci,
    outHeight: oh,
    outWidth: ow,
    strideHeight: sh,
    strideWidth: sw,
    filterHeight: kh,
    filterWidth: kw,
    padInfo,
  } = info;
  let d = 0;
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      // Output columns whose input column lies inside the image: ox ∈ [first, last).
      const first = Math.max(0, Math.ceil((padInfo.left - kx) / sw));
      const last = Math.min(ow, Math.floor((w - 1 + padInfo.left - kx) / sw) + 1);
      for (let c = 0; c < ci; c++) {
        const plane = c * h * w * n;
        for (let oy = 0; oy < oh; oy++, d += ow * n) {
          const iy = oy * sh + ky - padInfo.top;
          if (iy < 0 || iy >= h || last <= first) {
            zero(d, ow * n);
            continue;
          }
          if (first > 0) zero(d, first * n);
          const rowBase = plane + (iy * w + first * sw + kx - padInfo.left) * n;
          if (sw === 1)
            copy(d + first * n, rowBase, (last - first) * n); // one contiguous run
          else for (let ox = first; ox < last; ox++) copy(d + ox * n, rowBase + (ox - first) * sw * n, n);
          if (last < ow) zero(d + last * n, (ow - last) * n);
        }
      }
    }
  }
}
