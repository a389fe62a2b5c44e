import sharp, { type Sharp } from 'sharp';
import { decodeBmp } from './bmp.js';
import { ImageFileError } from './image-error.js';
import { leadingBytesHex, sniffImageFormat, type ImageFormat } from './image-format.js';
import { measureRgb, type ImageMeasures } from './measure.js';

// One image file's bytes -> original size, measured attributes and the S×S RGB pixels the cache
// stores. The file is decoded once: to fit within `measureSide` (sharp shrinks JPEGs on load),
// measured there, then resized from those raw pixels to S×S.

export type ResizeFit = 'cover' | 'fill' | 'contain';

export interface DecodeOptions {
  /** Side of the cached square, e.g. 112. */
  size: number;
  /** Decompression-bomb guard: images whose header declares more pixels are refused before decoding. */
  maxPixels: number;
  /** cover = centre crop (default), fill = stretch, contain = letterbox in black. */
  fit?: ResizeFit;
}

export interface DecodedImage extends ImageMeasures {
  format: ImageFormat;
  /** Original size in pixels (after EXIF orientation). */
  width: number;
  height: number;
  /** size*size*3 bytes, RGB, row-major. */
  rgb: Buffer;
}

/** Longest side the measured attributes are computed at (originals smaller than this are measured as they are). */
export const measureSide = 512;

export const defaultMaxPixels = 40_000_000;

export async function decodeImage(bytes: Buffer, options: DecodeOptions): Promise<DecodedImage> {
  if (bytes.length === 0) throw new ImageFileError('empty', 'the file is empty (0 bytes).');
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw new ImageFileError('not an image', `the contents are not JPEG, PNG, WebP, BMP, TIFF or GIF data (it starts with ${leadingBytesHex(bytes)}).`);
  }
  try {
    const input = format === 'bmp' ? bmpInput(bytes, options.maxPixels) : await checkedInput(bytes, options.maxPixels);
    const work = await input.pipeline
      .rotate()
      .resize({ width: measureSide, height: measureSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (work.info.channels !== 3) throw new ImageFileError('corrupt', `decoded to ${work.info.channels} channels; expected RGB.`);
    const measures = measureRgb(work.data, work.info.width, work.info.height);
    const rgb = await sharp(work.data, { raw: { width: work.info.width, height: work.info.height, channels: 3 } })
      .resize(options.size, options.size, { fit: options.fit ?? 'cover', background: '#000000' })
      .raw()
      .toBuffer();
    const [width, height] = input.orientedSize(work.info.width, work.info.height);
    return { format, width, height, rgb, ...measures };
  } catch (error) {
    throw error instanceof ImageFileError ? error : sharpError(error, format, bytes);
  }
}

interface Input {
  pipeline: Sharp;
  /** Original size, given the size of the (possibly shrunk) working copy. */
  orientedSize(workWidth: number, workHeight: number): [number, number];
}

function bmpInput(bytes: Buffer, maxPixels: number): Input {
  const raw = decodeBmp(bytes, maxPixels);
  return {
    pipeline: sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } }),
    orientedSize: () => [raw.width, raw.height],
  };
}

async function checkedInput(bytes: Buffer, maxPixels: number): Promise<Input> {
  const options = { limitInputPixels: maxPixels, failOn: 'warning' as const, sequentialRead: true };
  // The header alone (no pixels decoded) says how big the image claims to be.
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w * h > maxPixels) {
    throw new ImageFileError('too many pixels', `${w}×${h} = ${(w * h / 1e6).toFixed(1)} MP is over the ${(maxPixels / 1e6).toFixed(1)} MP limit (a guard against decompression bombs); raise the limit if the file is genuine.`);
  }
  // EXIF orientations 5-8 swap width and height.
  const swapped = (meta.orientation ?? 1) >= 5;
  return {
    pipeline: sharp(bytes, options),
    orientedSize: () => (swapped ? [h, w] : [w, h]),
  };
}

function sharpError(error: unknown, format: ImageFormat, bytes: Buffer): ImageFileError {
  // libvips' error text is shared between threads (concurrent decodes can mix or lose it), so the
  // file's own structure decides "truncated"; the message only refines the rest.
  const message = [...new Set((error instanceof Error ? error.message : String(error)).split('\n').map((l) => l.trim()).filter(Boolean))].join('; ');
  if (/pixel limit/i.test(message)) return new ImageFileError('too many pixels', `${message} (a guard against decompression bombs).`);
  if (endsEarly(bytes, format) || /premature end|truncat|unexpected end|end of (file|stream|data)|short read|not enough data/i.test(message)) {
    return new ImageFileError('truncated', `the ${format.toUpperCase()} data stops before the image ends (${message}); the file was cut short.`);
  }
  if (/unsupported image format/i.test(message)) return new ImageFileError('not an image', `sharp cannot read it as ${format} (${message}).`);
  return new ImageFileError('corrupt', `the ${format.toUpperCase()} data could not be decoded (${message}).`);
}

/** Whether the file lacks the end its format requires (JPEG EOI, PNG IEND, GIF trailer, RIFF length). */
export function endsEarly(bytes: Buffer, format: ImageFormat): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 32));
  switch (format) {
    case 'jpeg': {
      let end = bytes.length;
      while (end > 2 && (bytes[end - 1] === 0x00 || bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--; // padding some writers add
      return !(bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9);
    }
    case 'png': return !tail.includes(Buffer.from('IEND', 'ascii'));
    case 'gif': return bytes[bytes.length - 1] !== 0x3b;
    case 'webp': return bytes.length >= 8 && bytes.readUInt32LE(4) + 8 > bytes.length;
    default: return false;
  }
}
