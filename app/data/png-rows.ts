import { deflate } from 'node:zlib';
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
 * Filters every scanline with the PNG filter whose output has the smallest sum of absolute
 * values (libpng's adaptive heuristic), ready for deflate. One pass per row scores all five
 * filters; a second writes the chosen one.
 */
export function filterRows(rgb: Uint8Array, width: number, height: number, only?: 0 | 1 | 2 | 3 | 4): Uint8Array {
  const stride = width * 3;
  const out = new Uint8Array(height * (stride + 1));
  const cost = (v: number) => (v & 0x80 ? 256 - (v & 0xff) : v & 0xff);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const up = row - stride;
    const first = y === 0;
    let c0 = 0,
      c1 = 0,
      c2 = 0,
      c3 = 0,
      c4 = 0;
    for (let x = 0; x < stride; x++) {
      const v = rgb[row + x]!;
      const a = x >= 3 ? rgb[row + x - 3]! : 0;
      const b = first ? 0 : rgb[up + x]!;
      const c = x >= 3 && !first ? rgb[up + x - 3]! : 0;
      const p = a + b - c;
      const pa = p > a ? p - a : a - p,
        pb = p > b ? p - b : b - p,
        pc = p > c ? p - c : c - p;
      c0 += cost(v);
      c1 += cost(v - a);
      c2 += cost(v - b);
      c3 += cost(v - ((a + b) >> 1));
      c4 += cost(v - (pa <= pb && pa <= pc ? a : pb <= pc ? b : c));
    }
    let f = 0,
      best = c0;
    if (c1 < best) {
      f = 1;
      best = c1;
    }
    if (c2 < best) {
      f = 2;
      best = c2;
    }
    if (c3 < best) {
      f = 3;
      best = c3;
    }
    if (c4 < best) f = 4;
    if (only !== undefined) f = only; // tests: every filter on every row
    const o = y * (stride + 1);
    out[o] = f;
    for (let x = 0; x < stride; x++) {
      const v = rgb[row + x]!;
      const a = x >= 3 ? rgb[row + x - 3]! : 0;
      const b = first ? 0 : rgb[up + x]!;
      let predicted = 0;
      if (f === 1) predicted = a;
      else if (f === 2) predicted = b;
      else if (f === 3) predicted = (a + b) >> 1;
      else if (f === 4) {
        const c = x >= 3 && !first ? rgb[up + x - 3]! : 0;
        const p = a + b - c;
        const pa = p > a ? p - a : a - p,
          pb = p > b ? p - b : b - p,
          pc = p > c ? p - c : c - p;
        predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[o + 1 + x] = v - predicted;
    }
  }
  return out;
}

/** Encodes `size`×`size` RGB as a PNG (deflate runs on libuv's thread pool, off the caller's thread). */
export async function encodePngRow(
  rgb: Uint8Array,
  size: number,
  options: { level?: number; filter?: 0 | 1 | 2 | 3 | 4 } = {},
): Promise<Buffer> {
  if (rgb.length !== size * size * 3)
    throw new Error(`A ${size}×${size} RGB image has ${size * size * 3} bytes, not ${rgb.length}.`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, adaptive filtering, no interlace
  const idat = await deflateAsync(filterRows(rgb, size, size, options.filter), { level: options.level ?? 3 });
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
      for (let x = 3; x < stride; x++) {
        const a = out[row + x - 3], b = out[up + x], c = out[up + x - 3];
        const p = a + b - c;
        const pa = p > a ? p - a : a - p, pb = p > b ? p - b : b - p, pc = p > c ? p - c : c - p;
        out[row + x] = (raw[src + x] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255;
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
