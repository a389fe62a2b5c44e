import type { PixelRows } from './pixel-cache.js';

// A batch of images as the trainer consumes them: NHWC float32 in [-1, 1] (the reference DDL
// preprocessing), with identity labels and image ids.
export interface ImageBatch {
  /** count*size*size*3, NHWC, values in [-1, 1]. */
  pixels: Float32Array;
  /** Identity index 0..C-1 of each image. */
  labels: Int32Array;
  imageIds: Int32Array;
  size: number;
  count: number;
}

// uint8 -> [-1, 1] through a 256-entry table: one load per value instead of a multiply-add and
// a division, and exactly the same float for the same byte every time.
const toUnit = new Float32Array(256).map((_, v) => v / 127.5 - 1);

export function newImageBatch(count: number, size: number): ImageBatch {
  return {
    pixels: new Float32Array(count * size * size * 3),
    labels: new Int32Array(count),
    imageIds: new Int32Array(count),
    size,
    count,
  };
}

/** Copies cached image `idx` into slot `slot` of the batch, mirrored left-right when `flip`. */
export function putImage(batch: ImageBatch, slot: number, cache: PixelRows, idx: number, flip: boolean): void {
  const src = cache.row(idx);
  const out = batch.pixels;
  const size = batch.size;
  const rowBytes = size * 3;
  const base = slot * size * rowBytes;
  if (!flip) {
    for (let k = 0; k < src.length; k++) out[base + k] = toUnit[src[k]!]!;
    return;
  }
  for (let y = 0; y < size; y++) {
    const rowStart = y * rowBytes;
    let o = base + rowStart;
    for (let x = size - 1; x >= 0; x--) {
      const p = rowStart + x * 3;
      out[o] = toUnit[src[p]!]!;
      out[o + 1] = toUnit[src[p + 1]!]!;
      out[o + 2] = toUnit[src[p + 2]!]!;
      o += 3;
    }
  }
}

/** Mixes integers into one 32-bit seed (for per-epoch permutations that need no saved state). */
export function deriveSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}
