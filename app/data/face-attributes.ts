import type { AttributeColumn } from '../store/attributes-repo.js';
import type { FivePoints, RgbImage } from './face-align.js';

// What the import's face stage needs from a face finder (app/faces implements it; app/lab passes
// it in, so this folder stays free of tensors), and the attributes it stores per face image.

/** `none`: images are used as they are (already aligned datasets); `detect`: the largest face; `detect-all`: every face. */
export type FaceMode = 'none' | 'detect' | 'detect-all';
export const faceModes: readonly FaceMode[] = ['none', 'detect', 'detect-all'];

export interface FaceEstimate {
  /** Position among the file's faces, largest first. */
  index: number;
  box: { x: number; y: number; width: number; height: number };
  points: FivePoints;
  faceScore: number;
  yaw: number;
  pitch: number;
  roll: number;
  faceSize: number;
  eyeDistance: number;
}

export interface FaceDetector {
  find(
    image: RgbImage,
    options: { all: boolean },
  ): Promise<{ faces: FaceEstimate[]; detected: number; bestScore: number }>;
}

/** Estimated attributes stored per face image (numeric, like SynthFaces' ground truth). */
export const faceAttributeNames = ['yaw', 'pitch', 'roll', 'faceSize', 'eyeDistance', 'faceScore', 'blur'] as const;
export type FaceAttributeName = (typeof faceAttributeNames)[number];

export const faceAttributeColumns: AttributeColumn[] = faceAttributeNames.map((name) => ({ name, kind: 'numeric' }));

/** Faces narrower than this (source pixels) are too small to align; reported, not imported. */
export const defaultMinFaceSize = 24;
