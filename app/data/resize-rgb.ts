// Raw RGB (w×h×3 bytes) -> an S×S square, in plain JavaScript: the cache's resize without a second
// sharp call (each costs ~1 ms of overhead per image, as much as the resize itself).
//
// Geometry follows sharp's resize(S, S, { fit }) exactly: one scale factor for both axes (cover:
// the smaller of w/S and h/S, contain: the larger; fill: one per axis), the scaled size rounded to
// whole pixels, then cover crops the centre (left = ⌊(scaled − S + 1) / 2⌋) and contain letterboxes
// in black (left = ⌊(S − scaled) / 2⌋). Pixels are resampled by a separable filter whose support
// widens with the reduction factor (an antialiased downscale, as PIL and libvips do), pixel centres
// aligned, edges replicated; a cover crop only computes the rows and columns it keeps.

import type { ResizeFit } from './decode-image.js';

/** Resampling filter: Catmull-Rom cubic (default; close to sharp's lanczos3 at a third of its taps), triangle (bilinear) or lanczos3. */
export type ResizeKernel = 'cubic' | 'triangle' | 'lanczos3';

const kernels: Record<ResizeKernel, { support: number; weight: (x: number) => number }> = {
  triangle: { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
  cubic: {
    support: 2,
    weight: (t) => {
      // Keys' cubic with a = -0.5 (Catmull-Rom), as PIL's BICUBIC.
      const x = Math.abs(t);
      if (x < 1) return (1.5 * x - 2.5) * x * x + 1;
      if (x < 2) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
      return 0;
    },
  },
  lanczos3: {
    support: 3,
    weight: (t) => {
      const x = Math.abs(t);
      if (x === 0) return 1;
      if (x >= 3) return 0;
      const px = Math.PI * x;
      return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px);
    },
  },
};

/** Where the resized image lands in the S×S square: the scaled size and the offset of the square in it (cover) or of it in the square (contain). */
export interface ResizeGeometry {
  /** Input pixels per scaled pixel, per axis (sharp maps pixel centres with these, not with the rounded sizes). */
  hshrink: number;
  vshrink: number;
  /** Size the whole input is scaled to. */
  scaledWidth: number;
  scaledHeight: number;
  /** cover: first scaled column/row kept; contain: first square column/row the image covers; fill: 0. */
  left: number;
  top: number;
}

export function resizeGeometry(width: number, height: number, size: number, fit: ResizeFit): ResizeGeometry {
  let [hshrink, vshrink] = [width / size, height / size];
  if (fit === 'cover') hshrink = vshrink = Math.min(hshrink, vshrink);
  else if (fit === 'contain') hshrink = vshrink = Math.max(hshrink, vshrink);
  // As sharp: never shrink an axis below one pixel.
  hshrink = Math.min(hshrink, width);
  vshrink = Math.min(vshrink, height);
  const scaledWidth = Math.max(1, Math.round(width / hshrink));
  const scaledHeight = Math.max(1, Math.round(height / vshrink));
  if (fit === 'cover')
    return {
      hshrink,
      vshrink,
      scaledWidth,
      scaledHeight,
      left: Math.max(0, Math.floor((scaledWidth - size + 1) / 2)),
      top: Math.max(0, Math.floor((scaledHeight - size + 1) / 2)),
    };
  if (fit === 'contain')
    return {
      hshrink,
      vshrink,
      scaledWidth,
      scaledHeight,
      left: Math.max(0, Math.floor((size - scaledWidth) / 2)),
      top: Math.max(0, Math.floor((size - scaledHeight) / 2)),
    };
  return { hshrink, vshrink, scaledWidth, scaledHeight, left: 0, top: 0 };
}

/** Weights are integers summing to 1 << weightBits: fixed-point arithmetic is twice as fast as floats here. */
const weightBits = 12;
/** Fractional bits the vertical pass keeps for the horizontal one (12 + 8 + 12 bits stay inside int32). */
const midBits = 8;

/** Filter taps of one axis: output i reads `count[i]` inputs from `start[i]`, weights at `i * taps`. */
interface AxisTaps {
  start: Int32Array;
  count: Int32Array;
  weights: Int32Array;
  taps: number;
}

/**
 * Taps for `outCount` outputs, output o being pixel `first + o` of an axis of `inSize` pixels shrunk
 * by `scale` (input pixels per output pixel). Taps past an edge fold onto the edge pixel (the edge
 * replicated, as libvips does), so every output reads one contiguous run of inputs. The weights
 * sum to exactly 1 << weightBits, so a flat image stays exactly flat.
 */
function axisTaps(inSize: number, scale: number, first: number, outCount: number, kernel: ResizeKernel): AxisTaps {
  const { support: base, weight } = kernels[kernel];
  const stretch = Math.max(1, scale); // a downscale widens the filter: antialiasing
  const support = base * stretch;
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outCount);
  const count = new Int32Array(outCount);
  const weights = new Int32Array(outCount * taps);
  const raw = new Float64Array(taps);
  const one = 1 << weightBits;
  for (let o = 0; o < outCount; o++) {
    const centre = (first + o + 0.5) * scale - 0.5; // input coordinate of the output pixel's centre
    let lo = Math.ceil(centre - support);
    let hi = Math.floor(centre + support);
    while (lo < hi && weight((lo - centre) / stretch) === 0) lo++;
    while (hi > lo && weight((hi - centre) / stretch) === 0) hi--;
    const from = Math.max(0, Math.min(inSize - 1, lo));
    const to = Math.max(0, Math.min(inSize - 1, hi));
    raw.fill(0);
    let total = 0;
    for (let i = lo; i <= hi; i++) {
      const w = weight((i - centre) / stretch);
      const k = Math.max(from, Math.min(to, i)) - from;
      raw[k] = raw[k]! + w;
      total += w;
    }
    start[o] = from;
    count[o] = to - from + 1;
    // Round each weight, then give the rounding remainder to the largest so the sum is exact.
    let sum = 0;
    let largest = 0;
    for (let k = 0; k <= to - from; k++) {
      const w = Math.round((raw[k]! / total) * one);
      weights[o * taps + k] = w;
      sum += w;
      if (w > weights[o * taps + largest]!) largest = k;
    }
    weights[o * taps + largest] = weights[o * taps + largest]! + one - sum;
  }
  return { start, count, weights, taps };
}

export interface ResizeRgbOptions {
  fit?: ResizeFit;
  kernel?: ResizeKernel;
}

// The vertically filtered rows, reused (a fresh array per image is mostly allocation and zeroing);
// resizing is synchronous, so one per thread is enough.
let midScratch = new Int32Array(0);

/** Resize `rgb` (width×height×3, row-major) to size×size×3 with sharp's geometry for `fit`. */
export function resizeRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  size: number,
  options: ResizeRgbOptions = {},
): Buffer {
  if (!(width >= 1 && height >= 1 && size >= 1) || rgb.length < width * height * 3)
    throw new RangeError(`resizeRgb: ${width}×${height} RGB (${rgb.length} bytes) to ${size}×${size} is not a valid resize.`);
  const fit = options.fit ?? 'cover';
  const kernel = options.kernel ?? 'cubic';
  const g = resizeGeometry(width, height, size, fit);
  // The part of the square the image covers, and the first scaled pixel it shows.
  const outW = Math.min(size, g.scaledWidth);
  const outH = Math.min(size, g.scaledHeight);
  const [srcLeft, srcTop] = fit === 'cover' ? [g.left, g.top] : [0, 0];
  const [dstLeft, dstTop] = fit === 'contain' ? [g.left, g.top] : [0, 0];
  const xt = axisTaps(width, width / g.scaledWidth, srcLeft, outW, kernel);
  const yt = axisTaps(height, height / g.scaledHeight, srcTop, outH, kernel);

  // Vertical pass first, over the input columns the horizontal taps read: it streams whole rows
  // (the fast loop in JavaScript) and leaves the gathering horizontal pass only outH rows.
  const colFirst = xt.start[0]!;
  const colLast = xt.start[outW - 1]! + xt.count[outW - 1]! - 1;
  const midLen = (colLast - colFirst + 1) * 3;
  if (midScratch.length < outH * midLen) midScratch = new Int32Array(outH * midLen);
  const mid = midScratch;
  const stride = width * 3;
  const midShift = weightBits - midBits;
  const midRound = 1 << (midShift - 1);
  const { start: ys, count: yn, weights: yw, taps: yk } = yt;
  for (let y = 0; y < outH; y++) {
    const row = y * midLen;
    const n = yn[y]!;
    let from = ys[y]! * stride + colFirst * 3;
    let w = yw[y * yk]!;
    for (let i = 0; i < midLen; i++) mid[row + i] = rgb[from + i]! * w;
    for (let k = 1; k < n; k++) {
      from += stride;
      w = yw[y * yk + k]!;
      for (let i = 0; i < midLen; i++) mid[row + i] = (mid[row + i]! + rgb[from + i]! * w) | 0;
    }
    for (let i = 0; i < midLen; i++) mid[row + i] = (mid[row + i]! + midRound) >> midShift;
  }

  // Horizontal pass, rounded and clamped into the square (black where contain leaves it empty).
  const out = Buffer.alloc(size * size * 3);
  const outShift = weightBits + midBits;
  const outRound = 1 << (outShift - 1);
  const { start: xs, count: xn, weights: xw, taps: xk } = xt;
  for (let y = 0; y < outH; y++) {
    const row = y * midLen - colFirst * 3;
    let q = ((dstTop + y) * size + dstLeft) * 3;
    for (let x = 0; x < outW; x++, q += 3) {
      let p = row + xs[x]! * 3;
      const n = xn[x]!;
      let wi = x * xk;
      let red = outRound;
      let green = outRound;
      let blue = outRound;
      for (let k = 0; k < n; k++, p += 3) {
        const w = xw[wi++]!;
        red = (red + mid[p]! * w) | 0;
        green = (green + mid[p + 1]! * w) | 0;
        blue = (blue + mid[p + 2]! * w) | 0;
      }
      red >>= outShift;
      green >>= outShift;
      blue >>= outShift;
      out[q] = red < 0 ? 0 : red > 255 ? 255 : red;
      out[q + 1] = green < 0 ? 0 : green > 255 ? 255 : green;
      out[q + 2] = blue < 0 ? 0 : blue > 255 ? 255 : blue;
    }
  }
  return out;
}
