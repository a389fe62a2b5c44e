// Renders one SynthFace to JPEG bytes: SVG -> pixels (sharp/librsvg), light, down-sampling to the
// resolution factor, sensor noise at that resolution, up-sampling back, JPEG. Pure in its inputs.
import sharp from 'sharp';
import { Random } from '../../util/random.js';
import { type Pose, type Scene, faceSvg } from './face-svg.js';
import { type IdentityParams } from './identity.js';
import { normalTable } from './normal-table.js';

export interface ImageNuisance extends Pose, Scene {
  resolution: number; // effective factor: the image was captured at round(resolution * size) pixels
  light: number; // exposure multiplier (1 = normal)
  lightAngle: number; // degrees, direction the light comes from (0 = from the right, 90 = from below)
  lightGradient: number; // 0 = flat, 0.8 = one side much brighter than the other
  noise: number; // Gaussian sigma on the 0..255 scale
}

export const JPEG_QUALITY = 90;

/** Pixels captured by a low-resolution sensor for this size and factor. */
export function capturedSize(size: number, resolution: number): number {
  return Math.max(2, Math.min(size, Math.round(resolution * size)));
}

function applyLight(pixels: Buffer, size: number, n: ImageNuisance): void {
  const a = (n.lightAngle * Math.PI) / 180;
  const dx = Math.cos(a),
    dy = Math.sin(a);
  const [r, g, b] = n.colourCast;
  // camera response: exposure-scaled values through the image's gamma curve, via a lookup table
  const curve = new Float32Array(256);
  for (let v = 0; v < 256; v++) curve[v] = 255 * Math.pow(v / 255, n.gamma);
  const across = new Float32Array(size);
  for (let x = 0; x < size; x++) across[x] = ((x + 0.5) / size - 0.5) * 2 * dx;
  const out = new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.length); // rounds and clamps on store
  let i = 0;
  for (let y = 0; y < size; y++) {
    const down = ((y + 0.5) / size - 0.5) * 2 * dy;
    for (let x = 0; x < size; x++, i += 3) {
      const m = Math.max(0, n.light * (1 + n.lightGradient * (across[x]! + down)));
      out[i] = curve[out[i]!]! * m * r!;
      out[i + 1] = curve[out[i + 1]!]! * m * g!;
      out[i + 2] = curve[out[i + 2]!]! * m * b!;
    }
  }
}

function addNoise(pixels: Buffer, sigma: number, rng: Random): void {
  if (sigma <= 0) return;
  const table = normalTable();
  const out = new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.length);
  for (let i = 0; i < out.length; i += 2) {
    const bits = rng.next() * 4294967296; // one 32-bit draw, two 16-bit table indices
    out[i] = out[i]! + sigma * table[bits >>> 16]!;
    if (i + 1 < out.length) out[i + 1] = out[i + 1]! + sigma * table[bits & 0xffff]!;
  }
}

/** JPEG bytes of identity `id` under nuisance `n` at size x size; noise drawn from noiseSeed. */
export async function renderFaceJpeg(
  id: IdentityParams,
  n: ImageNuisance,
  size: number,
  noiseSeed: number,
): Promise<Buffer> {
  const svg = faceSvg(id, n, n, size);
  const pixels = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  applyLight(pixels, size, n);
  const low = capturedSize(size, n.resolution);
  const captured =
    low < size
      ? await sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
          .resize(low, low)
          .raw()
          .toBuffer()
      : pixels;
  addNoise(captured, n.noise, new Random(noiseSeed));
  let image = sharp(captured, { raw: { width: low, height: low, channels: 3 } });
  if (low < size) image = image.resize(size, size, { kernel: 'cubic' });
  return image.jpeg({ quality: JPEG_QUALITY }).toBuffer();
}
