// A deliberately simple pixel-space face matcher, the yardstick for "hard images hide identity":
// inner-face crop of an aligned SynthFace, grayscale 32x32, Tan-Triggs-style photometric
// normalisation (gamma 0.2, difference of Gaussians sigma 1 and 2), zero mean, unit length; cosine.
import sharp from 'sharp';

const SIDE = 32;
// Aligned SynthFaces put the point between the eyes at (50%, 44%); this keeps brows to chin, cheek to cheek.
const CROP = { left: 0.2, top: 0.28, width: 0.6, height: 0.58 };

function gaussianBlur(src: Float64Array, side: number, sigma: number): Float64Array {
  const radius = Math.ceil(sigma * 3);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const tmp = new Float64Array(src.length),
    out = new Float64Array(src.length);
  const at = (i: number) => Math.min(side - 1, Math.max(0, i));
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += kernel[k + radius]! * src[y * side + at(x + k)]!;
      tmp[y * side + x] = sum / total;
    }
  }
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += kernel[k + radius]! * tmp[at(y + k) * side + x]!;
      out[y * side + x] = sum / total;
    }
  }
  return out;
}

/** The matcher's feature vector of one image (file path or encoded bytes). */
export async function pixelFeatures(image: string | Buffer): Promise<Float64Array> {
  const { width = 0, height = 0 } = await sharp(image).metadata();
  const region = {
    left: Math.round(width * CROP.left),
    top: Math.round(height * CROP.top),
    width: Math.round(width * CROP.width),
    height: Math.round(height * CROP.height),
  };
  const crop = await sharp(image).extract(region).toBuffer();
  const gray = await sharp(crop).grayscale().resize(SIDE, SIDE, { fit: 'fill' }).raw().toBuffer();
  const v = Float64Array.from(gray, (g) => Math.pow(g / 255, 0.2));
  const fine = gaussianBlur(v, SIDE, 1),
    coarse = gaussianBlur(v, SIDE, 2);
  const out = fine.map((f, i) => f - coarse[i]!);
  const mean = out.reduce((a, b) => a + b, 0) / out.length;
  let norm = 0;
  for (let i = 0; i < out.length; i++) {
    out[i]! -= mean;
    norm += out[i]! ** 2;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

export function cosine(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Area under the ROC curve: the chance a random genuine score beats a random impostor score (ties count half). */
export function rocAuc(genuine: readonly number[], impostor: readonly number[]): number {
  const all = [...genuine.map((s) => ({ s, g: 1 })), ...impostor.map((s) => ({ s, g: 0 }))].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const rank = (i + j + 1) / 2; // mean 1-based rank of the tie group
    for (let k = i; k < j; k++) if (all[k]!.g) rankSum += rank;
    i = j;
  }
  return (rankSum - (genuine.length * (genuine.length + 1)) / 2) / (genuine.length * impostor.length);
}
