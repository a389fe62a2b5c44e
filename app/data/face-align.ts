// Five-point face alignment, pure maths on RGB bytes (no tensors): the ArcFace template, the
// least-squares similarity transform onto it (Umeyama, without reflection) and a bilinear warp.
// Coordinates are in pixels with pixel centres on whole numbers (OpenCV's convention, which the
// template uses). The import's face stage and the pixel cache (re-aligning a changed file from its
// stored points) both use it.

export interface Point {
  x: number;
  y: number;
}

/** Eye centres (subject's right eye first: image left on a frontal face), nose tip, mouth corners (image left first). */
export type FivePoints = [Point, Point, Point, Point, Point];

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty: rotation by atan2(b, a), scale hypot(a, b). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/** insightface's 112×112 ArcFace template. */
const arcface112: readonly [number, number][] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** The template for a `size`×`size` crop (scaled from 112). */
export function arcfaceTemplate(size = 112): FivePoints {
  const k = size / 112;
  return arcface112.map(([x, y]) => ({ x: x * k, y: y * k })) as FivePoints;
}

/** Least-squares similarity taking `from` onto `to` (Umeyama 1991, 2-D, no reflection). */
export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  const n = from.length;
  if (n < 2 || to.length !== n)
    throw new Error(`fitSimilarity needs two matching lists of ≥2 points, got ${n} and ${to.length}.`);
  const mean = (ps: readonly Point[]) => ({
    x: ps.reduce((s, p) => s + p.x, 0) / n,
    y: ps.reduce((s, p) => s + p.y, 0) / n,
  });
  const ms = mean(from);
  const md = mean(to);
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const sx = from[i]!.x - ms.x;
    const sy = from[i]!.y - ms.y;
    const dx = to[i]!.x - md.x;
    const dy = to[i]!.y - md.y;
    dot += sx * dx + sy * dy;
    cross += sx * dy - sy * dx;
    norm += sx * sx + sy * sy;
  }
  if (norm === 0) throw new Error('fitSimilarity: the source points all coincide.');
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: md.x - (a * ms.x - b * ms.y), ty: md.y - (b * ms.x + a * ms.y) };
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

export function invertSimilarity(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  const a = t.a / d;
  const b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/** Scale factor of a similarity (output pixels per source pixel). */
export function similarityScale(t: Similarity): number {
  return Math.hypot(t.a, t.b);
}

export interface RgbImage {
  /** width*height*3 bytes, RGB, row-major. */
  rgb: Uint8Array;
  width: number;
  height: number;
}

/**
 * The `width`×`height` RGB image whose pixel (u, v) is the source at `toSource`(u, v), sampled
 * bilinearly; outside the source is black. When the output is much smaller than the source
 * (scale < 1/2) each output pixel averages k×k bilinear samples, so a downscaled face is not aliased.
 */
export function warpAffineRgb(source: RgbImage, toSource: Similarity, width: number, height: number): Uint8Array {
  const { rgb, width: sw, height: sh } = source;
  const out = new Uint8Array(width * height * 3);
  const k = Math.min(4, Math.max(1, Math.round(similarityScale(toSource))));
  const inv = 1 / (k * k);
  const acc = [0, 0, 0];
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      acc[0] = acc[1] = acc[2] = 0;
      for (let j = 0; j < k; j++) {
        const vv = v + (j + 0.5) / k - 0.5;
        for (let i = 0; i < k; i++) {
          const uu = u + (i + 0.5) / k - 0.5;
          const x = toSource.a * uu - toSource.b * vv + toSource.tx;
          const y = toSource.b * uu + toSource.a * vv + toSource.ty;
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const fx = x - x0;
          const fy = y - y0;
          for (let dy = 0; dy < 2; dy++) {
            const yy = y0 + dy;
            if (yy < 0 || yy >= sh) continue;
            const wy = dy ? fy : 1 - fy;
            for (let dx = 0; dx < 2; dx++) {
              const xx = x0 + dx;
              if (xx < 0 || xx >= sw) continue;
              const w = wy * (dx ? fx : 1 - fx);
              const p = (yy * sw + xx) * 3;
              acc[0] += w * rgb[p]!;
              acc[1] += w * rgb[p + 1]!;
              acc[2] += w * rgb[p + 2]!;
            }
          }
        }
      }
      const o = (v * width + u) * 3;
      out[o] = Math.round(acc[0]! * inv);
      out[o + 1] = Math.round(acc[1]! * inv);
      out[o + 2] = Math.round(acc[2]! * inv);
    }
  }
  return out;
}

/** The `size`×`size` aligned crop of a face given its five points in the source, and the transform used (source → crop). */
export function alignFace(
  source: RgbImage,
  points: FivePoints,
  size: number,
): { rgb: Uint8Array; transform: Similarity } {
  const transform = fitSimilarity(points, arcfaceTemplate(size));
  return { rgb: warpAffineRgb(source, invertSimilarity(transform), size, size), transform };
}
