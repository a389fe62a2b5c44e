import * as tf from '@tensorflow/tfjs';
import { KernelRunner, replacedKernel, type TensorInfo } from './kernel-runner.js';
import { rowBlockFor } from './conv2d-backprop-filter.js';
import { wasmKernels, wasmTrainingKernelsEnabled } from './wasm/wasm-kernels.js';

// dx of a conv2d with stride s, split by phase: rows iy = q·s + ry of dx (row phase ry) receive
// dy[q + t] · w[ky] for ky = ry + pt − t·s, i.e. a stride-1 convolution of dy. Per row phase we
// run either one conv whose output channels hold all column phases (rx, ci) — reshaping its
// output interleaves the columns for free, at the price of zero taps where column phases have
// fewer taps (12 instead of 9 for 3×3, s = 2) — or one exact conv per column phase, interleaved
// by a transpose. Stacking the row phases on axis 2 interleaves the rows (a chunked copy).
// No zero-inserted dy (4× the work at s = 2), no scalar transposed-conv loop. For s = 1 this is
// the usual convolution with the flipped filter.

interface Taps {
  /** Number of filter taps (dy rows read per output row). */
  count: number;
  /** dy padding before (negative = crop) so output row q reads dy rows q − before … */
  before: number;
  /** … and after, so the conv yields `rows` outputs. */
  after: number;
}

/** Taps along one axis for the phases `phases` (all must share the tap window). */
function tapsFor(
  phases: number[],
  inSize: number,
  outSize: number,
  kernel: number,
  stride: number,
  padBefore: number,
): Taps | undefined {
  // t = (r + pt − k) / s over the phases r and kernel positions k where it is whole.
  let tMin = Infinity,
    tMax = -Infinity;
  for (const r of phases) {
    for (let k = 0; k < kernel; k++) {
      const t = (r + padBefore - k) / stride;
      if (Number.isInteger(t)) {
        tMin = Math.min(tMin, t);
        tMax = Math.max(tMax, t);
      }
    }
  }
  if (tMin > tMax) return undefined;
  const count = tMax - tMin + 1;
  const rows = Math.ceil(inSize / stride);
  return { count, before: -tMin, after: rows - outSize + tMin + count - 1 };
}

/**
 * Phase filter [rowTaps, colTaps, co, |rxs|·ci] for row phase ry and the column phases rxs (one
 * channel block each), from w [kh, kw, ci, co]; zero where a column phase has no tap.
 */
function phaseFilter(
  w: Float32Array,
  shape: { kh: number; kw: number; ci: number; co: number; sw: number; sh: number },
  ry: number,
  rxs: number[],
  rows: Taps,
  cols: Taps,
  pt: number,
  pl: number,
): Float32Array {
  const { kh, kw, ci, co, sw, sh } = shape;
  const channels = rxs.length * ci;
  const out = new Float32Array(rows.count * cols.count * co * channels);
  for (let a = 0; a < rows.count; a++) {
    const ky = ry + pt - (a - rows.before) * sh;
    if (ky < 0 || ky >= kh) continue;
    for (let b = 0; b < cols.count; b++) {
      rxs.forEach((rx, block) => {
        const kx = rx + pl - (b - cols.before) * sw;
        if (kx < 0 || kx >= kw) return;
        const outBase = (a * cols.count + b) * co * channels + block * ci;
        const wBase = (ky * kw + kx) * ci * co;
        for (let c = 0; c < ci; c++) {
          const wRow = wBase + c * co;
          for (let o = 0; o < co; o++) out[outBase + o * channels + c] = w[wRow + o]!;
        }
      });
    }
  }
  return out;
}

/**
 * Input-gradient layouts: our wasm kernel scattering each dy pixel's taps into dx ('direct', wasm
 * with ci % 8 = 0), or XNNPACK convs per phase with column phases packed in one conv's channels,
 * or one conv each.
 */
export type InputGradPlan = 'direct' | 'packed' | 'exact';
let forcedInputPlan: InputGradPlan | undefined;

let lastInputPlan: InputGradPlan | undefined;

/** Test hook: the layout the last Conv2DBackpropInput used. */
export function lastInputGradPlan(): InputGradPlan | undefined {
  return lastInputPlan;
}

/** Test hook: run every Conv2DBackpropInput with one layout (undefined: choose). */
export function forceInputGradPlan(plan: InputGradPlan | undefined): void {
  forcedInputPlan = plan;
}

export function conv2dBackpropInput(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
  backendName: string,
): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  if (info.dataFormat !== 'channelsLast') {
    const stock = replacedKernel(tf.Conv2DBackpropInput, backendName);
    if (stock) return stock.kernelFunc(args) as TensorInfo;
    throw new Error(`Conv2DBackpropInput on ${backendName}: dataFormat ${dataFormat} is not supported; use NHWC`);
  }
  const {
    batchSize: n,
    inHeight,
    inWidth,
    inChannels: ci,
    outHeight,
    outWidth,
    outChannels: co,
    strideHeight: sh,
    strideWidth: sw,
    filterHeight: kh,
    filterWidth: kw,
    padInfo,
  } = info;
  const run = new KernelRunner(backend, backendName);
  const heap = run.heap();
  if (
    wasmTrainingKernelsEnabled() &&
    heap?.memory() &&
    ci % 8 === 0 &&
    (forcedInputPlan === undefined || forcedInputPlan === 'direct')
  ) {
    lastInputPlan = 'direct';
    const wT = run.transpose(filter, [0, 1, 3, 2]); // [kh, kw, co, ci]: 8 input channels per load
    const dx = heap.allocate([n, inHeight, inWidth, ci]);
    const start = heap.offset(dx);
    heap.view().fill(0, start, start + n * inHeight * inWidth * ci);
    wasmKernels(heap.memory()!, heap.threads()).inputGrad(heap.offset(dy) * 4, heap.offset(wT) * 4, start * 4, {
      n,
      h: inHeight,
      w: inWidth,
      ci,
      oh: outHeight,
      ow: outWidth,
      co,
      kh,
      kw,
      sh,
      sw,
      pt: padInfo.top,
      pl: padInfo.left,
      rowBlock: rowBlockFor(outWidth),
    });
    return run.finish(dx);
  }
  const w = run.read(filter);
  const rowsOut = Math.ceil(inHeight / sh),
    colsOut = Math.ceil(inWidth / sw);
  const shape = { kh, kw, ci, co, sw, sh };
  const colPhases = Array.from({ length: sw }, (_, rx) => rx);
  // Zero taps cost ∝ co, interleaving separate outputs ∝ ci: measured on wasm, exact wins from co = 64.
  const plan =
    forcedInputPlan === 'packed' || forcedInputPlan === 'exact'
      ? forcedInputPlan
      : sw > 1 && co >= 64
        ? 'exact'
        : 'packed';
  lastInputPlan = plan;
  const blocks = plan === 'packed' ? [colPhases] : colPhases.map((rx) => [rx]);
  // phases[ry][block]: [n, Qh, Qw, |block|·ci], undefined where no tap reaches those pixels.
  const phases = Array.from({ length: sh }, (_, ry) => {
    const rows = tapsFor([ry], inHeight, outHeight, kh, sh, padInfo.top);
    return blocks.map((rxs) => {
      const cols = tapsFor(rxs, inWidth, outWidth, kw, sw, padInfo.left);
      if (!rows || !cols) return undefined;
      const weights = run.write(phaseFilter(w, shape, ry, rxs, rows, cols, padInfo.top, padInfo.left), [
        rows.count,
        cols.count,
        co,
        rxs.length * ci,
      ]);
      return run.conv2d(dy, weights, { top: rows.before, bottom: rows.after, left: cols.before, right: cols.after });
    });
  });
  const weaveInfo = { n, inHeight, inWidth, ci, sh, sw, rowsOut, colsOut };
  const dx = heap ? weaveOnHeap(heap, phases, blocks, weaveInfo) : weaveWithKernels(run, phases, blocks, weaveInfo);
  return run.finish(dx);
}

interface WeaveInfo {
  n: number;
  inHeight: number;
  inWidth: number;
  ci: number;
  sh: number;
  sw: number;
  rowsOut: number;
  colsOut: number;
}

/** wasm: dx[img, q·sh+ry, p·sw+rx, :] = phase output, one memmove per run of pixels. */
function weaveOnHeap(
  heap: NonNullable<ReturnType<KernelRunner['heap']>>,
  phases: (TensorInfo | undefined)[][],
  blocks: number[][],
  info: WeaveInfo,
): TensorInfo {
  const { n, inHeight: h, inWidth: w, ci, sh, sw, rowsOut, colsOut } = info;
  const dx = heap.allocate([n, h, w, ci]);
  const view = heap.view(),
    out = heap.offset(dx);
  if (phases.some((row) => row.some((p) => !p))) view.fill(0, out, out + n * h * w * ci);
  phases.forEach((row, ry) =>
    row.forEach((phase, b) => {
      if (!phase) return;
      const block = blocks[b]!,
        width = block.length * ci,
        src = heap.offset(phase);
      for (let img = 0; img < n; img++) {
        for (let q = 0; q < rowsOut; q++) {
          const iy = q * sh + ry;
          if (iy >= h) continue;
          const from = src + (img * rowsOut + q) * colsOut * width,
            to = out + (img * h + iy) * w * ci;
          if (block.length === sw) {
            // Packed: the row's (p, rx, c) values are already in dx order.
            view.copyWithin(to, from, from + Math.min(w, colsOut * sw) * ci);
            continue;
          }
          const rx = block[0]!;
          for (let p = 0, ix = rx; p < colsOut && ix < w; p++, ix += sw)
            view.copyWithin(to + ix * ci, from + p * width, from + p * width + ci);
        }
      }
    }),
  );
  return dx;
}

/** Other backends: zeros for empty phases, column phases by stack + transpose, rows by concat. */
function weaveWithKernels(
  run: KernelRunner,
  phases: (TensorInfo | undefined)[][],
  blocks: number[][],
  info: WeaveInfo,
): TensorInfo {
  const { n, inHeight, inWidth, ci, sh, sw, rowsOut, colsOut } = info;
  const pixels = n * rowsOut * colsOut;
  const zeros = (count: number) => run.write(new Float32Array(pixels * count * ci), [n, rowsOut, colsOut, count * ci]);
  const rowPhases = phases.map((row) => {
    const outputs = row.map((phase, b) => phase ?? zeros(blocks[b]!.length));
    const packed =
      outputs.length === 1
        ? outputs[0]!
        : run.transpose(
            run.run(
              'Concat',
              outputs.map((o) => run.reshape(o, [1, pixels, ci])) as unknown as Record<string, TensorInfo>,
              { axis: 0 },
            ),
            [1, 0, 2],
          );
    return run.reshape(packed, [n, rowsOut, 1, colsOut * sw * ci]);
  });
  // [n, Qh, ry, (Qw, rx, ci)] is [n, Qh·sh, Qw·sw, ci] in memory.
  const woven =
    rowPhases.length === 1
      ? rowPhases[0]!
      : run.run('Concat', rowPhases as unknown as Record<string, TensorInfo>, { axis: 2 });
  const dx = run.reshape(woven, [n, rowsOut * sh, colsOut * sw, ci]);
  return rowsOut * sh === inHeight && colsOut * sw === inWidth
    ? dx
    : run.slice(dx, [0, 0, 0, 0], [n, inHeight, inWidth, ci]);
}
