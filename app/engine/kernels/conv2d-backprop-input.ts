import * as tf from '@tensorflow/tfjs';
import { KernelRunner, replacedKernel, type TensorInfo } from './kernel-runner.js';

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
function tapsFor(phases: number[], inSize: number, outSize: number, kernel: number, stride: number, padBefore: number): Taps | undefined {
  // t = (r + pt − k) / s over the phases r and kernel positions k where it is whole.
  let tMin = Infinity, tMax = -Infinity;
  for (const r of phases) {
    for (let k = 0; k < kernel; k++) {
      const t = (r + padBefore - k) / stride;
      if (Number.isInteger(t)) { tMin = Math.min(tMin, t); tMax = Math.max(tMax, t); }
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
function phaseFilter(w: Float32Array, shape: { kh: number; kw: number; ci: number; co: number; sw: number; sh: number },
  ry: number, rxs: number[], rows: Taps, cols: Taps, pt: number, pl: number): Float32Array {
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

/** Input-gradient layouts: column phases packed in one conv's channels, or one conv each. */
export type InputGradPlan = 'packed' | 'exact';
let forcedInputPlan: InputGradPlan | undefined;

/** Test hook: run every Conv2DBackpropInput with one layout (undefined: choose). */
export function forceInputGradPlan(plan: InputGradPlan | undefined): void {
  forcedInputPlan = plan;
}

export function conv2dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }, backendName: string): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, format);
  if (info.dataFormat !== 'channelsLast') {
    const stock = replacedKernel(tf.Conv2DBackpropInput, backendName);
    if (stock) return stock.kernelFunc(args) as TensorInfo;
    throw new Error(`Conv2DBackpropInput on ${backendName}: dataFormat ${dataFormat} is not supported; use NHWC`);
  }
  const { batchSize: n, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, padInfo } = info;
  const run = new KernelRunner(backend, backendName);
  const w = run.read(filter);
  const rowsOut = Math.ceil(inHeight / sh), colsOut = Math.ceil(inWidth / sw);
  const phaseShape = [n, rowsOut, 1, colsOut * sw * ci];
  const shape = { kh, kw, ci, co, sw, sh };
  const colPhases = Array.from({ length: sw }, (_, rx) => rx);
  // Zero taps cost ∝ co, the stacking transpose ∝ ci: measured on wasm, exact wins from co = 64.
  const plan = forcedInputPlan ?? (sw > 1 && co >= 64 ? 'exact' : 'packed');
  const rowPhases: TensorInfo[] = [];
  for (let ry = 0; ry < sh; ry++) {
    const rows = tapsFor([ry], inHeight, outHeight, kh, sh, padInfo.top);
    const zeros = (count: number) => run.write(new Float32Array(n * rowsOut * colsOut * count * ci), [n, rowsOut, colsOut, count * ci]);
    const convolve = (rxs: number[]): TensorInfo => {
      const cols = tapsFor(rxs, inWidth, outWidth, kw, sw, padInfo.left);
      if (!rows || !cols) return zeros(rxs.length); // no tap reaches these pixels
      const weights = run.write(phaseFilter(w, shape, ry, rxs, rows, cols, padInfo.top, padInfo.left), [rows.count, cols.count, co, rxs.length * ci]);
      return run.conv2d(dy, weights, { top: rows.before, bottom: rows.after, left: cols.before, right: cols.after });
    };
    if (plan === 'packed' || sw === 1) {
      // One conv; its output channels (rx, ci) reshape into interleaved columns.
      rowPhases.push(run.reshape(convolve(colPhases), phaseShape));
    } else {
      // One conv per column phase (no zero taps), interleaved by stacking and a transpose.
      const pixels = n * rowsOut * colsOut;
      const stacked = run.run('Concat', colPhases.map((rx) => run.reshape(convolve([rx]), [1, pixels, ci])) as unknown as Record<string, TensorInfo>, { axis: 0 });
      rowPhases.push(run.reshape(run.transpose(stacked, [1, 0, 2]), phaseShape));
    }
  }
  // [n, Qh, ry, (Qw, rx, ci)] is [n, Qh·sh, Qw·sw, ci] in memory.
  const woven = rowPhases.length === 1 ? rowPhases[0]! : run.run('Concat', rowPhases as unknown as Record<string, TensorInfo>, { axis: 2 });
  let dx = run.reshape(woven, [n, rowsOut * sh, colsOut * sw, ci]);
  if (rowsOut * sh !== inHeight || colsOut * sw !== inWidth) dx = run.slice(dx, [0, 0, 0, 0], [n, inHeight, inWidth, ci]);
  return run.finish(dx);
}
