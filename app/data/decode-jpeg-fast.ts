import type { DecodedImage, DecodeOptions } from './decode-image.js';
import { endsEarly, type ImageFormat } from './image-format.js';
import { readJpegMarkers } from './jpeg-markers.js';
import { measureRgb } from './measure.js';
import { resizeRgb } from './resize-rgb.js';
import { turboJpeg } from './turbojpeg.js';

// The last steps every decoded image shares (measure, resize to the cached square), and the JPEG
// fast path that reaches them without sharp. Kept apart from decode-image.ts so the import's
// decode threads load neither sharp nor its libvips.

/** Longest side the measured attributes are computed at (originals smaller than this are measured as they are). */
export const measureSide = 512;

/**
 * The JPEG fast path, synchronous: an upright JPEG without an ICC profile, no larger than
 * measureSide (so sharp would neither rotate, convert nor shrink it), decoded by TurboJPEG into the
 * pixels sharp's loader gives. Null when the image needs sharp, TurboJPEG is unavailable here, or
 * it reports any error or warning (sharp then names the problem).
 */
export function decodeJpegFast(bytes: Buffer, options: DecodeOptions): DecodedImage | null {
  const turbo = turboJpeg();
  if (!turbo || endsEarly(bytes, 'jpeg')) return null;
  const markers = readJpegMarkers(bytes);
  if (!markers || markers.orientation !== 1 || markers.iccProfile) return null;
  const header = turbo.header(bytes);
  if (!header || Math.max(header.width, header.height) > measureSide) return null;
  const { width, height } = header;
  const rgb = turbo.decodeRgb(bytes, width, height);
  return rgb && measuredAndResized('jpeg', width, height, rgb, width, height, options);
}

/** The stored image from its working pixels (w×h RGB): measured there, resized to the cached square. */
export function measuredAndResized(
  format: ImageFormat,
  width: number,
  height: number,
  pixels: Buffer,
  w: number,
  h: number,
  options: DecodeOptions,
): DecodedImage {
  const measures = measureRgb(pixels, w, h);
  const rgb = resizeRgb(pixels, w, h, options.size, { fit: options.fit ?? 'cover' });
  return { format, width, height, rgb, ...measures };
}
