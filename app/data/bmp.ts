import { ImageFileError } from './image-error.js';

// sharp (libvips) has no BMP loader in its prebuilt binaries, so uncompressed BMPs are read here
// and handed to sharp as raw RGB. Covers 1/4/8-bit palettes, 16/24/32-bit and BITFIELDS masks;
// RLE-compressed and JPEG/PNG-in-BMP files get an honest "unsupported format".

export interface RawRgb {
  width: number;
  height: number;
  /** width*height*3 bytes, top row first. */
  data: Buffer;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

export function decodeBmp(buf: Buffer, maxPixels: number): RawRgb {
  if (buf.length < 26)
    throw new ImageFileError('truncated', `BMP header needs at least 26 bytes; the file has ${buf.length}.`);
  const pixelOffset = buf.readUInt32LE(10);
  const headerSize = buf.readUInt32LE(14);
  const core = headerSize === 12;
  if (!core && headerSize < 40)
    throw new ImageFileError('corrupt', `BMP header size ${headerSize} is not a known BMP header.`);
  if (buf.length < 14 + headerSize)
    throw new ImageFileError('truncated', `BMP header is cut short (${buf.length} bytes).`);
  const width = core ? buf.readUInt16LE(18) : buf.readInt32LE(18);
  const rawHeight = core ? buf.readInt16LE(20) : buf.readInt32LE(22);
  const bpp = core ? buf.readUInt16LE(24) : buf.readUInt16LE(28);
  const compression = core ? BI_RGB : buf.readUInt32LE(30);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw new ImageFileError('corrupt', `BMP says it is ${width}×${rawHeight} pixels.`);
  if (width * height > maxPixels) {
    throw new ImageFileError(
      'too many pixels',
      `${width}×${height} = ${((width * height) / 1e6).toFixed(1)} MP is over the ${(maxPixels / 1e6).toFixed(1)} MP limit (a guard against decompression bombs).`,
    );
  }
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    const names: Record<number, string> = { 1: 'RLE8', 2: 'RLE4', 4: 'JPEG', 5: 'PNG' };
    throw new ImageFileError(
      'unsupported format',
      `BMP compression ${names[compression] ?? compression} is not supported; convert the file to PNG or JPEG.`,
    );
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp))
    throw new ImageFileError('unsupported format', `BMP with ${bpp} bits per pixel is not supported.`);

  const palette =
    bpp <= 8 ? readPalette(buf, 14 + headerSize, core ? 3 : 4, bpp, core ? 0 : buf.readUInt32LE(46)) : null;
  const masks = bpp === 16 || bpp === 32 ? readMasks(buf, compression, bpp) : null;
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (pixelOffset + stride * height > buf.length) {
    throw new ImageFileError(
      'truncated',
      `BMP pixel data needs ${pixelOffset + stride * height} bytes; the file has ${buf.length}.`,
    );
  }

  const out = Buffer.allocUnsafe(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (palette) {
        const bit = x * bpp;
        const byte = buf[row + (bit >> 3)] as number;
        const index = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const p = Math.min(index, palette.length / 3 - 1) * 3;
        out[o] = palette[p] as number;
        out[o + 1] = palette[p + 1] as number;
        out[o + 2] = palette[p + 2] as number;
      } else if (masks) {
        const v = bpp === 16 ? buf.readUInt16LE(row + x * 2) : buf.readUInt32LE(row + x * 4);
        out[o] = masks[0](v);
        out[o + 1] = masks[1](v);
        out[o + 2] = masks[2](v);
      } else {
        const p = row + x * 3;
        out[o] = buf[p + 2] as number;
        out[o + 1] = buf[p + 1] as number;
        out[o + 2] = buf[p] as number;
      }
    }
  }
  return { width, height, data: out };
}

function readPalette(buf: Buffer, start: number, entrySize: number, bpp: number, colorsUsed: number): Uint8Array {
  const count = colorsUsed > 0 ? Math.min(colorsUsed, 1 << bpp) : 1 << bpp;
  if (start + count * entrySize > buf.length) throw new ImageFileError('truncated', 'BMP colour palette is cut short.');
  const out = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    const p = start + i * entrySize;
    out[i * 3] = buf[p + 2] as number;
    out[i * 3 + 1] = buf[p + 1] as number;
    out[i * 3 + 2] = buf[p] as number;
  }
  return out;
}

type Channel = (v: number) => number;

function readMasks(buf: Buffer, compression: number, bpp: number): [Channel, Channel, Channel] {
  let r: number, g: number, b: number;
  if (compression === BI_RGB) {
    [r, g, b] = bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0x00ff0000, 0x0000ff00, 0x000000ff];
  } else {
    // Masks sit right after a 40-byte header, or inside a V2+ header at the same offset.
    if (buf.length < 14 + 40 + 12) throw new ImageFileError('truncated', 'BMP colour masks are cut short.');
    r = buf.readUInt32LE(54);
    g = buf.readUInt32LE(58);
    b = buf.readUInt32LE(62);
  }
  return [channel(r), channel(g), channel(b)];
}

function channel(mask: number): Channel {
  if (mask === 0) return () => 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return (v) => Math.round((((v & mask) >>> shift) * 255) / max);
}
