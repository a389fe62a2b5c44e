import { constants, deflate, deflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

// One cached image as a standard PNG (8-bit RGB, not interlaced), written and read by our own
// code: sharp's per-call overhead (about 1.5–3 ms per 112 px image here) is far above the work,
// while row filtering in JS plus zlib is a fraction of a millisecond. Any PNG reader opens the
// rows; our decoder reads only this layout (which is all the cache holds) and refuses others.
// The decoder is plain JavaScript source, so the decode worker threads run the very same code
// without a loader (see decode-pool.ts).

const deflateAsync = promisify(deflate);
const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const crcTable = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
  return out;
}

/**
 * Filters every scanline for deflate, by default with PNG's Paeth predictor. On face crops one
 * fixed Paeth pass compresses within ~1 % of libpng's adaptive choice per row (measured on 300
 * SynthFaces rows at 112 px) for a third of the work; `filter` picks another (tests: every filter).
 */
export function filterRows(rgb: Uint8Array, width: number, height: number, filter: 0 | 1 | 2 | 3 | 4 = 4): Uint8Array {
  const stride = width * 3;
  const out = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const o = y * (stride + 1) + 1;
    out[o - 1] = filter;
    if (filter === 4 && y > 0) paethRow(rgb, row, stride, out, o);
    else
      for (let x = 0; x < stride; x++) {
        // a: the byte one pixel left, b: above; 0 outside the image (Paeth on the first row is a).
        const a = x >= 3 ? rgb[row + x - 3]! : 0;
        const b = y > 0 ? rgb[row - stride + x]! : 0;
        const predicted = filter === 1 || filter === 4 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : 0;
        out[o + x] = rgb[row + x]! - predicted;
      }
  }
  return out;
}

/** Paeth residuals of the row at `row` (not the first): a left, b above, c above-left. */
function paethRow(rgb: Uint8Array, row: number, stride: number, out: Uint8Array, o: number): void {
  const up = row - stride;
  for (let x = 0; x < 3; x++) out[o + x] = rgb[row + x]! - rgb[up + x]!; // a = c = 0: predicts b
  // The predictor as the decoder computes it (pngDecoderSource): branch-free masks.
  for (let x = 3; x < stride; x++) {
    const a = rgb[row + x - 3]!,
      b = rgb[up + x]!,
      c = rgb[up + x - 3]!;
    const da = b - c,
      db = a - c,
      dc = da + db;
    const pa = (da ^ (da >> 31)) - (da >> 31),
      pb = (db ^ (db >> 31)) - (db >> 31),
      pc = (dc ^ (dc >> 31)) - (dc >> 31);
    const useA = ~(((pb - pa) | (pc - pa)) >> 31),
      useB = ~((pc - pb) >> 31);
    out[o + x] = rgb[row + x]! - ((a & useA) | (~useA & ((b & useB) | (c & ~useB))));
  }
}

type PngOptions = { filter?: 0 | 1 | 2 | 3 | 4 };

// Run-length matches only: on Paeth residuals smaller than level 3's full match search (16.6 vs
// 17.8 KB per 112 px face) in half the time.
const deflateOptions = { strategy: constants.Z_RLE };

/** Encodes `size`×`size` RGB as a PNG (deflate runs on libuv's thread pool, off the caller's thread). */
export async function encodePngRow(rgb: Uint8Array, size: number, options: PngOptions = {}): Promise<Buffer> {
  return pngFile(size, await deflateAsync(filteredRows(rgb, size, options), deflateOptions));
}

/** encodePngRow on the calling thread: for worker threads, where a hop to libuv's pool only costs. */
export function encodePngRowSync(rgb: Uint8Array, size: number, options: PngOptions = {}): Buffer {
  return pngFile(size, deflateSync(filteredRows(rgb, size, options), deflateOptions));
}

function filteredRows(rgb: Uint8Array, size: number, options: PngOptions): Uint8Array {
  if (rgb.length !== size * size * 3)
    throw new Error(`A ${size}×${size} RGB image has ${size * size * 3} bytes, not ${rgb.length}.`);
  return filterRows(rgb, size, size, options.filter);
}

function pngFile(size: number, idat: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, filter method 0, no interlace
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

/**
 * `function decodePngRgb(zlib, png, size, out, offset)`: writes the PNG's size×size×3 pixels
 * into `out` at `offset`; throws on any other layout. Plain JavaScript (no TypeScript, no
 * imports) so a worker thread can evaluate it as is.
 */
export const pngDecoderSource = `function decodePngRgb(zlib, png, size, out, offset) {
  const u32 = (i) => ((png[i] << 24) | (png[i + 1] << 16) | (png[i + 2] << 8) | png[i + 3]) >>> 0;
  if (png.length < 8 || png[0] !== 0x89 || png[1] !== 0x50 || png[2] !== 0x4e || png[3] !== 0x47)
    throw new Error('not a PNG');
  const parts = [];
  let pos = 8;
  let header = false;
  while (pos + 8 <= png.length) {
    const length = u32(pos);
    const type = String.fromCharCode(png[pos + 4], png[pos + 5], png[pos + 6], png[pos + 7]);
    const data = pos + 8;
    if (data + length > png.length) throw new Error('PNG chunk ' + type + ' is cut short');
    if (type === 'IHDR') {
      if (u32(data) !== size || u32(data + 4) !== size || png[data + 8] !== 8 || png[data + 9] !== 2 || png[data + 12] !== 0)
        throw new Error('PNG is not ' + size + 'x' + size + ' 8-bit RGB without interlace');
      header = true;
    } else if (type === 'IDAT') parts.push(png.subarray(data, data + length));
    else if (type === 'IEND') break;
    pos = data + length + 4;
  }
  if (!header || parts.length === 0) throw new Error('PNG has no IHDR or no IDAT');
  const raw = zlib.inflateSync(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  const stride = size * 3;
  if (raw.length !== size * (stride + 1)) throw new Error('PNG data holds ' + raw.length + ' bytes, not ' + size * (stride + 1));
  // Each filter with its first pixel and first row apart: no per-byte edge tests.
  for (let y = 0; y < size; y++) {
    const f = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = offset + y * stride;
    const up = row - stride;
    if (f === 0 || (f === 2 && y === 0)) {
      for (let x = 0; x < stride; x++) out[row + x] = raw[src + x];
    } else if (f === 1 || (f === 4 && y === 0)) {
      for (let x = 0; x < 3; x++) out[row + x] = raw[src + x];
      for (let x = 3; x < stride; x++) out[row + x] = (raw[src + x] + out[row + x - 3]) & 255;
    } else if (f === 2) {
      for (let x = 0; x < stride; x++) out[row + x] = (raw[src + x] + out[up + x]) & 255;
    } else if (f === 3) {
      if (y === 0) {
        for (let x = 0; x < 3; x++) out[row + x] = raw[src + x];
        for (let x = 3; x < stride; x++) out[row + x] = (raw[src + x] + (out[row + x - 3] >> 1)) & 255;
      } else {
        for (let x = 0; x < 3; x++) out[row + x] = (raw[src + x] + (out[up + x] >> 1)) & 255;
        for (let x = 3; x < stride; x++) out[row + x] = (raw[src + x] + ((out[row + x - 3] + out[up + x]) >> 1)) & 255;
      }
    } else if (f === 4) {
      for (let x = 0; x < 3; x++) out[row + x] = (raw[src + x] + out[up + x]) & 255;
      // Paeth without branches (they mispredict on photos: twice the time): |d| as (d ^ s) - s
      // with s = d >> 31, the choice as masks. pa = |p - a| = |b - c|, pb = |a - c|, pc = |pa + pb|.
      for (let x = 3; x < stride; x++) {
        const a = out[row + x - 3], b = out[up + x], c = out[up + x - 3];
        const da = b - c, db = a - c, dc = da + db;
        const pa = (da ^ (da >> 31)) - (da >> 31), pb = (db ^ (db >> 31)) - (db >> 31), pc = (dc ^ (dc >> 31)) - (dc >> 31);
        const useA = ~(((pb - pa) | (pc - pa)) >> 31), useB = ~((pc - pb) >> 31);
        out[row + x] = (raw[src + x] + ((a & useA) | (~useA & ((b & useB) | (c & ~useB))))) & 255;
      }
    } else throw new Error('PNG row ' + y + ' has filter ' + f);
  }
}`;

type PngDecoder = (z: typeof zlib, png: Uint8Array, size: number, out: Uint8Array, offset: number) => void;
// The worker threads' source, evaluated once here too: one decoder for every thread.
const decodePngRgb = new Function(`return ${pngDecoderSource}`)() as PngDecoder;

/** Decodes a PNG this module wrote into `out` at `offset` (size×size×3 bytes). */
export function decodePngRow(png: Uint8Array, size: number, out: Uint8Array, offset = 0): void {
  decodePngRgb(zlib, png, size, out, offset);
}
