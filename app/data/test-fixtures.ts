import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import zlib from 'node:zlib';

// Small real image files for tests and benchmarks: every image is distinct (no accidental
// duplicates), its colours say which identity and image it is, and its halves differ so a
// horizontal flip is visible.

export type FixtureFormat = 'png' | 'jpeg' | 'webp' | 'tiff' | 'bmp';

export function fixtureColours(
  identity: number,
  image: number,
): { left: [number, number, number]; right: [number, number, number] } {
  const r = (identity * 37) % 256;
  const g = (image * 53 + 7) % 256;
  return { left: [r, g, 40], right: [255 - r, 255 - g, 220] };
}

/** width*height*3 RGB: left half one colour, right half another. */
export function twoToneRgb(width: number, height: number, left: readonly number[], right: readonly number[]): Buffer {
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = x < width / 2 ? left : right;
      out.set(c, (y * width + x) * 3);
    }
  }
  return out;
}

export async function encodeRgb(rgb: Buffer, width: number, height: number, format: FixtureFormat): Promise<Buffer> {
  if (format === 'bmp') return encodeBmp24(rgb, width, height);
  const image = sharp(rgb, { raw: { width, height, channels: 3 } });
  switch (format) {
    case 'png':
      return image.png().toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: 95 }).toBuffer();
    case 'webp':
      return image.webp({ lossless: true }).toBuffer();
    case 'tiff':
      return image.tiff().toBuffer();
  }
}

/** A plain 24-bit bottom-up BMP (what most tools write). */
export function encodeBmp24(rgb: Uint8Array, width: number, height: number): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + stride * height);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(stride * height, 34);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      out[row + x * 3] = rgb[p + 2] as number;
      out[row + x * 3 + 1] = rgb[p + 1] as number;
      out[row + x * 3 + 2] = rgb[p] as number;
    }
  }
  return out;
}

export interface FixtureFolder {
  /** Relative paths written, in identity/image order. */
  paths: string[];
  /** Identity index of each path. */
  identities: number[];
}

/** root/id_XXX/img_YY.<ext>; `perIdentity` may vary per identity. */
export async function writeImageFolder(
  root: string,
  options: {
    identities: number;
    perIdentity: number | ((identity: number) => number);
    size?: number;
    format?: FixtureFormat;
  },
): Promise<FixtureFolder> {
  const size = options.size ?? 16;
  const format = options.format ?? 'png';
  const ext = format === 'jpeg' ? 'jpg' : format;
  const out: FixtureFolder = { paths: [], identities: [] };
  for (let i = 0; i < options.identities; i++) {
    const n = typeof options.perIdentity === 'number' ? options.perIdentity : options.perIdentity(i);
    for (let k = 0; k < n; k++) {
      const { left, right } = fixtureColours(i, k);
      const rel = `id_${String(i).padStart(3, '0')}/img_${String(k).padStart(2, '0')}.${ext}`;
      const file = join(root, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, await encodeRgb(twoToneRgb(size, size, left, right), size, size, format));
      out.paths.push(rel);
      out.identities.push(i);
    }
  }
  return out;
}

/**
 * A real decompression bomb: a valid PNG whose header declares width×height pixels (e.g.
 * 60000×60000 = 3.6 GP, ~11 GB decoded) with a tiny zero-filled IDAT — a few hundred bytes on disk.
 */
export function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const firstRows = zlib.deflateSync(Buffer.alloc((width * 3 + 1) * 4));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', firstRows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG of noise (so it does not compress to nothing), for cutting short. */
export async function noiseJpeg(size: number, seed = 1): Promise<Buffer> {
  const rgb = Buffer.alloc(size * size * 3);
  let s = seed >>> 0;
  for (let i = 0; i < rgb.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    rgb[i] = s >>> 24;
  }
  return sharp(rgb, { raw: { width: size, height: size, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Yaw of image k (0..5) of every identity in `writeAttributeDataset`: three of six have |yaw| >= 45. */
export const fixtureYaws = [-80, -10, 0, 15, 50, 85];

/**
 * An ImageFolder of `identities` × 6 images with attributes.csv: yaw (fixtureYaws), resolution
 * (0.2 for image 1 of every third identity, else 1), race (a/b/c by identity), and quality missing
 * for image 0.
 */
export async function writeAttributeDataset(
  root: string,
  options: { identities: number; size?: number },
): Promise<FixtureFolder> {
  const folder = await writeImageFolder(root, {
    identities: options.identities,
    perIdentity: 6,
    size: options.size ?? 8,
    format: 'bmp',
  });
  const lines = ['path,yaw,resolution,race,quality'];
  folder.paths.forEach((path, n) => {
    const identity = folder.identities[n]!;
    const k = n % 6;
    lines.push(
      [path, fixtureYaws[k], identity % 3 === 0 && k === 1 ? 0.2 : 1, 'abc'[identity % 3], k === 0 ? '' : 'ok'].join(
        ',',
      ),
    );
  });
  writeFileSync(join(root, 'attributes.csv'), `${lines.join('\n')}\n`);
  return folder;
}
