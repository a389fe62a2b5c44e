import type { Point } from '../data/face-align.js';
import type { Point3 } from './facemesh.js';

// Head pose and the five alignment points from FaceMesh's 468 landmarks.
//
// Sign convention (image coordinates: x right, y down, z away from the camera):
// - yaw > 0: the face turns towards the image's right (the nose points right: the subject's left);
// - pitch > 0: the face tilts up (the nose points up);
// - roll > 0: the eye line turns clockwise in the image (the eye on the image's right is lower).
// A mirrored image gives the opposite yaw and roll and the same pitch. All in degrees.

/** FaceMesh indices: the ring around each eye, the nose tip, the mouth corners, forehead top and chin. */
const rightEyeRing = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246];
const leftEyeRing = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466];
const noseTip = 1;
const mouthRight = 61;
const mouthLeft = 291;
const rightEyeOuter = 33;
const leftEyeOuter = 263;
const foreheadTop = 10;
const chin = 152;

function mean(points: readonly Point3[], indices: readonly number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    x += points[i]!.x;
    y += points[i]!.y;
  }
  return { x: x / indices.length, y: y / indices.length };
}

/** Eye centres (subject's right eye first), nose tip, mouth corners (subject's right first). */
export function fivePointsOf(mesh: readonly Point3[]): [Point, Point, Point, Point, Point] {
  const at = (i: number): Point => ({ x: mesh[i]!.x, y: mesh[i]!.y });
  return [mean(mesh, rightEyeRing), mean(mesh, leftEyeRing), at(noseTip), at(mouthRight), at(mouthLeft)];
}

export interface Pose {
  yaw: number;
  pitch: number;
  roll: number;
}

const degrees = (r: number) => (r * 180) / Math.PI;

/** Pose from the face's own axes: x = right eye → left eye corners, y = forehead → chin, z = x × y. */
export function poseOf(mesh: readonly Point3[]): Pose {
  const sub = (a: Point3, b: Point3) => ({ x: a.x - b.x, y: a.y - b.y, z: a.z - b.z });
  const dot = (a: Point3, b: Point3) => a.x * b.x + a.y * b.y + a.z * b.z;
  const norm = (a: Point3) => {
    const n = Math.hypot(a.x, a.y, a.z) || 1;
    return { x: a.x / n, y: a.y / n, z: a.z / n };
  };
  const u = norm(sub(mesh[leftEyeOuter]!, mesh[rightEyeOuter]!));
  const down = sub(mesh[chin]!, mesh[foreheadTop]!);
  const d = dot(down, u);
  const v = norm({ x: down.x - d * u.x, y: down.y - d * u.y, z: down.z - d * u.z });
  const w = { x: u.y * v.z - u.z * v.y, y: u.z * v.x - u.x * v.z, z: u.x * v.y - u.y * v.x };
  return {
    yaw: degrees(Math.atan2(-w.x, w.z)),
    pitch: degrees(Math.atan2(w.y, Math.hypot(w.x, w.z))),
    roll: degrees(Math.atan2(u.y, u.x)),
  };
}
