// Measured attributes of an image, from its decoded RGB pixels.
// Grey = Rec. 601 luma in 0..255. Sharpness = variance of the 4-neighbour Laplacian of grey
// (the usual blur measure: low = blurry / upsampled); brightness = mean grey / 255;
// contrast = standard deviation of grey / 255.

import { pixelWasm } from './pixel-wasm.js';

export interface ImageMeasures {
  sharpness: number;
  brightness: number;
  contrast: number;
}

// The pass runs in WebAssembly (measure-wat.ts: one pass, grey kept for three rows, f64 in the
// order the plain JavaScript version used, so the results are bit-identical to it; grey from
// product tables, the Laplacian two pixels per f64x2: 0.16 ms CPU for a 250 px image, the scalar
// pass took 0.32). It returns the four sums; the statistics are taken here.
export function measureRgb(rgb: Uint8Array, width: number, height: number): ImageMeasures {
  const n = width * height;
  const ringAt = (n * 3 + 15) & ~15;
  const sumsAt = (ringAt + 3 * width * 4 + 15) & ~15;
  const tablesAt = sumsAt + 32;
  const wasm = pixelWasm(tablesAt + 3 * 256 * 8);
  new Uint8Array(wasm.memory.buffer, 0, n * 3).set(rgb.subarray(0, n * 3));
  wasm.measure(0, width, height, ringAt, sumsAt, tablesAt);
  const sums = new Float64Array(wasm.memory.buffer, sumsAt, 4);
  const [sum, sumSq, lapSum, lapSq] = [sums[0]!, sums[1]!, sums[2]!, sums[3]!];
  const mean = sum / n;
  const variance = Math.max(0, sumSq / n - mean * mean);
  const count = width > 2 && height > 2 ? (width - 2) * (height - 2) : 0;
  const lapMean = count ? lapSum / count : 0;
  const sharpness = count ? Math.max(0, lapSq / count - lapMean * lapMean) : 0;
  return { sharpness, brightness: mean / 255, contrast: Math.sqrt(variance) / 255 };
}
