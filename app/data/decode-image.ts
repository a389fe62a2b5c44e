import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { decodeBmp } from './bmp.js';
import { ImageFileError } from './image-error.js';
import { decodeJpegFast, measuredAndResized, measureSide } from './decode-jpeg-fast.js';
import { endsEarly, leadingBytesHex, sniffImageFormat, type ImageFormat } from './image-format.js';
import type { ImageMeasures } from './measure.js';

// One image file's bytes -> original size, measured attributes and the S×S RGB pixels the cache
// stores. The file is decoded once: to fit within `measureSide` (sharp shrinks JPEGs on load),
// measured there, then resized from those raw pixels to S×S by resizeRgb (sharp's geometry and
// lanczos3, without a second sharp call). EXIF orientation is applied. Plain JPEGs that need no
// shrinking (the usual face crop) skip sharp: TurboJPEG decodes them to the same pixels for a
// sixth of the CPU (decodeJpegFast).

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

export { measureSide } from './decode-jpeg-fast.js';

export const defaultMaxPixels = 40_000_000;

export async function decodeImage(bytes: Buffer, options: DecodeOptions): Promise<DecodedImage> {
  if (bytes.length === 0) throw new ImageFileError('empty', 'the file is empty (0 bytes).');
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw new ImageFileError(
      'not an image',
      `the contents are not JPEG, PNG, WebP, BMP, TIFF or GIF data (it starts with ${leadingBytesHex(bytes)}).`,
    );
  }
  const fast = format === 'jpeg' ? decodeJpegFast(bytes, options) : null;
  if (fast) return fast;
  const bmp = format === 'bmp' ? decodeBmp(bytes, options.maxPixels) : null;
  try {
    // One decode per image: sharp calls cost ~1 ms each on a busy machine, so the header is only
    // read separately when the size cannot be known otherwise (shrunk originals, refused bombs).
    const input = bmp
      ? sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 3 } })
      : sharp(bytes, { limitInputPixels: options.maxPixels, failOn: 'warning', sequentialRead: true });
    const work = await workingPixels(input);
    if (work.info.channels !== 3)
      throw new ImageFileError('corrupt', `decoded to ${work.info.channels} channels; expected RGB.`);
    const shrunk = Math.max(work.info.width, work.info.height) >= measureSide;
    const [width, height] = bmp
      ? [bmp.width, bmp.height]
      : shrunk
        ? await orientedSize(bytes)
        : [work.info.width, work.info.height];
    return measuredAndResized(format, width, height, work.data, work.info.width, work.info.height, options);
  } catch (error) {
    if (error instanceof ImageFileError) throw error;
    if (/pixel limit/i.test(String(error))) throw await pixelLimitError(bytes, options.maxPixels);
    throw sharpError(error, format, bytes);
  }
}

/** The pixels an image is measured and resized from: upright (EXIF), within measureSide, flattened on black, sRGB, raw. */
export function workingPixels(input: Sharp): Promise<{ data: Buffer; info: OutputInfo }> {
  return input
    .rotate()
    .resize({ width: measureSide, height: measureSide, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#000000' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
}

/** Size from the header (no pixels decoded), after EXIF orientation: 5-8 swap width and height. */
async function orientedSize(bytes: Buffer): Promise<[number, number]> {
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  const [w, h] = [meta.width ?? 0, meta.height ?? 0];
  return (meta.orientation ?? 1) >= 5 ? [h, w] : [w, h];
}

async function pixelLimitError(bytes: Buffer, maxPixels: number): Promise<ImageFileError> {
  const [w, h] = await orientedSize(bytes).catch(() => [0, 0]);
  const size = w && h ? `${w}×${h} = ${((w * h) / 1e6).toFixed(1)} MP is` : 'the image is';
  return new ImageFileError(
    'too many pixels',
    `${size} over the ${(maxPixels / 1e6).toFixed(1)} MP limit (a guard against decompression bombs); raise the limit if the file is genuine.`,
  );
}

function sharpError(error: unknown, format: ImageFormat, bytes: Buffer): ImageFileError {
  // libvips' error text is shared between threads (concurrent decodes can mix or lose it), so the
  // file's own structure decides "truncated"; the message only refines the rest.
  const message = [
    ...new Set(
      (error instanceof Error ? error.message : String(error))
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ].join('; ');
  if (/pixel limit/i.test(message))
    return new ImageFileError('too many pixels', `${message} (a guard against decompression bombs).`);
  if (
    endsEarly(bytes, format) ||
    /premature end|truncat|unexpected end|end of (file|stream|data)|short read|not enough data/i.test(message)
  ) {
    return new ImageFileError(
      'truncated',
      `the ${format.toUpperCase()} data stops before the image ends (${message}); the file was cut short.`,
    );
  }
  if (/unsupported image format/i.test(message))
    return new ImageFileError('not an image', `sharp cannot read it as ${format} (${message}).`);
  return new ImageFileError('corrupt', `the ${format.toUpperCase()} data could not be decoded (${message}).`);
}
