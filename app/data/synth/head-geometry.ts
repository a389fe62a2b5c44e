// The 2.5-D head: a stack of horizontal cross-sections (half-ellipses in front and behind), each
// point named by (u = angle around the head, v = level). Rotating the stack and projecting it
// orthographically gives foreshortening, limbs (silhouettes) and hidden far-side features for free.
export interface CrossSection {
  w: number; // half-width
  df: number; // front half-depth
  db: number; // back half-depth
  z0: number; // forward offset of the centre
  y: number; // vertical position (head units, down is positive)
}

export interface Shape {
  at(v: number): CrossSection;
}

/** The same shape, remembering cross-sections already asked for (outlines ask for the same levels often). */
export function memoShape(shape: Shape): Shape {
  const cache = new Map<number, CrossSection>();
  return {
    at(v: number): CrossSection {
      let cs = cache.get(v);
      if (!cs) {
        cs = shape.at(v);
        cache.set(v, cs);
      }
      return cs;
    },
  };
}

export interface View {
  yaw: number; // radians, positive turns the face toward the image's right
  pitch: number; // radians, positive lifts the chin
  roll: number; // radians, in-plane
  scale: number; // viewBox units per head unit
  cx: number;
  cy: number;
  pivotY: number; // roll pivot (head units), near the neck
}

export interface ScreenPoint {
  x: number;
  y: number;
  facing: number; // z-component of the surface normal after yaw: > 0 faces the camera
}

const TINY = 1e-4;

/** Superellipse profile (1 - |t|^n)^(1/n): 1 at t = 0, 0 at |t| = 1. */
export function superellipse(t: number, n: number): number {
  const a = Math.min(1, Math.abs(t));
  return Math.pow(Math.max(0, 1 - Math.pow(a, n)), 1 / n);
}

/** Maps a 3-D head-frame point (x right, y down, z toward the camera at yaw 0) to the image. */
export function projectPoint(view: View, x: number, y: number, z: number): { x: number; y: number } {
  const cy = Math.cos(view.yaw),
    sy = Math.sin(view.yaw);
  const x1 = x * cy + z * sy;
  const z1 = -x * sy + z * cy;
  const y2 = y * Math.cos(view.pitch) - z1 * Math.sin(view.pitch);
  const dy = y2 - view.pivotY;
  const cr = Math.cos(view.roll),
    sr = Math.sin(view.roll);
  return {
    x: view.cx + (x1 * cr - dy * sr) * view.scale,
    y: view.cy + (view.pivotY + x1 * sr + dy * cr) * view.scale,
  };
}

/** Facing (normal z after yaw) of a head-frame normal (nx, nz). */
export function facingOf(view: View, nx: number, nz: number): number {
  return -nx * Math.sin(view.yaw) + nz * Math.cos(view.yaw);
}

/** The two limb angles of a cross-section at this yaw: the visible arc is (left, right). */
export function limbAngles(cs: CrossSection, yaw: number): [number, number] {
  const w = Math.max(cs.w, TINY);
  const c = Math.cos(Math.abs(yaw)),
    s = Math.sin(Math.abs(yaw));
  const front = Math.atan2(w * c, Math.max(cs.df, TINY) * s);
  const back = Math.atan2(w * c, Math.max(cs.db, TINY) * s);
  return yaw >= 0 ? [back - Math.PI, front] : [-front, Math.PI - back];
}

/** Moves a hidden angle onto the limb on its side of the face, so hidden parts of a face region fold onto the silhouette. */
export function clampToVisible(u: number, limbs: [number, number]): number {
  return Math.min(limbs[1], Math.max(limbs[0], u));
}

/** Head-frame position and unit normal of surface point (u, v), lifted h along the normal. */
export function surfacePoint(
  shape: Shape,
  u: number,
  v: number,
  h = 0,
): { x: number; y: number; z: number; nx: number; nz: number } {
  const cs = shape.at(v);
  const w = Math.max(cs.w, TINY);
  const d = Math.max(Math.abs(u) <= Math.PI / 2 ? cs.df : cs.db, TINY);
  const su = Math.sin(u),
    cu = Math.cos(u);
  let nx = su / w,
    nz = cu / d;
  const len = Math.hypot(nx, nz) || 1;
  nx /= len;
  nz /= len;
  return { x: w * su + h * nx, y: cs.y, z: cs.z0 + d * cu + h * nz, nx, nz };
}

/** Projects surface point (u, v) of the face (u in -pi..pi around the front); with clamp, a hidden point folds onto the limb. */
export function projectSurface(shape: Shape, view: View, u: number, v: number, h = 0, clamp = false): ScreenPoint {
  const uu = clamp ? clampToVisible(u, limbAngles(shape.at(v), view.yaw)) : u;
  const p = surfacePoint(shape, uu, v, h);
  const screen = projectPoint(view, p.x, p.y, p.z);
  return { x: screen.x, y: screen.y, facing: facingOf(view, p.nx, p.nz) };
}

/** Left and right silhouette points at each level (levels in order). */
export function silhouette(
  shape: Shape,
  view: View,
  levels: readonly number[],
): { left: ScreenPoint[]; right: ScreenPoint[] } {
  const left: ScreenPoint[] = [],
    right: ScreenPoint[] = [];
  for (const v of levels) {
    const [ul, ur] = limbAngles(shape.at(v), view.yaw);
    left.push(projectSurface(shape, view, ul, v));
    right.push(projectSurface(shape, view, ur, v));
  }
  return { left, right };
}

/** n levels from a to b, denser near both ends (where the outline curves fastest). */
export function levelsBetween(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * (1 - Math.cos((Math.PI * i) / (n - 1)))) / 2);
}

/** The head of an identity as a Shape. */
export function headShape(p: {
  aspect: number;
  foreheadWidth: number;
  jawSquare: number;
  chinTaper: number;
  depthFront: number;
  depthBack: number;
  chinForward: number;
}): Shape {
  return {
    at(v: number): CrossSection {
      const t = Math.max(-1, Math.min(1, v));
      if (t <= 0) {
        const prof = superellipse(t, 2.2);
        const w = p.aspect * prof * (1 + (p.foreheadWidth - 1) * Math.min(1, -t * 1.4));
        return { w, df: p.aspect * p.depthFront * prof, db: p.aspect * p.depthBack * prof, z0: -0.04, y: t };
      }
      const w = p.aspect * superellipse(t, p.jawSquare) * (1 - p.chinTaper * t * t);
      const df = p.aspect * p.depthFront * superellipse(t, 3.4);
      // behind the jaw the head gives way to the neck: the back depth collapses below the ears
      const neck = Math.max(0, Math.min(1, (t - 0.15) / 0.55));
      const db = p.aspect * p.depthBack * superellipse(t, 2) * (1 - 0.75 * neck * neck * (3 - 2 * neck));
      return { w, df, db, z0: -0.04 + p.chinForward * t * t, y: t };
    },
  };
}
