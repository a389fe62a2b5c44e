// Face detection, landmarks and pose on the lab's tfjs backend (app/faces/README.md).
export {
  FaceFinder,
  faceModels,
  type FoundFace,
  type FindResult,
  type FindOptions,
  type AlignedFace,
} from './face-finder.js';
export { poseOf, fivePointsOf, type Pose } from './pose.js';
export type { FaceRegion, Mesh, Point3 } from './facemesh.js';
