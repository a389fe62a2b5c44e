// One SynthFace as an SVG: background, body, back hair, head, features, front hair, glasses.
// Painter's order stands in for depth: what is drawn later covers what was drawn before.
import { type Rgb, hex, shade } from './colour.js';
import {
  beard,
  brow,
  ear,
  eye,
  glassesArms,
  glassesRims,
  mouth,
  moustacheOrGoatee,
  nose,
  skinMarks,
  type FaceContext,
} from './face-parts.js';
import { backHairOutline, frontHairOutline, hairShell } from './hair.js';
import {
  type Shape,
  type View,
  headShape,
  memoShape,
  levelsBetween,
  projectPoint,
  projectSurface,
  silhouette,
  surfacePoint,
} from './head-geometry.js';
import { type IdentityParams } from './identity.js';
import { type Point, polygon } from './svg.js';

/** What the renderer needs of an image's nuisance parameters (angles in degrees). */
export interface Pose {
  yaw: number;
  pitch: number;
  roll: number;
}

/** Unrecorded per-image variation: backdrop, clothes, camera, and how the person looks that day. */
export interface Scene {
  background: readonly [Rgb, Rgb];
  clothes: Rgb;
  colourCast: readonly [number, number, number]; // white-balance gains per channel
  gamma: number; // camera response exponent (1 = linear)
  day: Day;
}

/** Session variation of one person: tan or make-up, and the hair as it happens to be that day. */
export interface Day {
  skinTone: number; // skin colour multiplier
  hairVolume: number; // multiplies the hair volume
  hairFront: number; // added to the forehead hairline level
  hairSlant: number; // added to the fringe slant
  hairLength: number; // relative change of the length (long hair moves most)
  hairTone: number; // hair colour multiplier
}

function scaled(c: Rgb, f: number): Rgb {
  return [c[0] * f, c[1] * f, c[2] * f];
}

function asOnTheDay(id: IdentityParams, day: Day): IdentityParams {
  const hair = id.hair;
  return {
    ...id,
    skin: scaled(id.skin, day.skinTone),
    lipColour: scaled(id.lipColour, day.skinTone),
    hair: {
      ...hair,
      colour: scaled(hair.colour, day.hairTone),
      front: hair.front + day.hairFront,
      fringeSlant: hair.fringeSlant + day.hairSlant,
      sideLevel: hair.sideLevel + day.hairLength * Math.max(0, hair.sideLevel),
      length: hair.length + day.hairLength * Math.max(0.3, hair.length - 0.3),
      volumeSide: hair.volumeSide * day.hairVolume,
      volumeTop: hair.volumeTop * day.hairVolume,
      volumeBack: hair.volumeBack * day.hairVolume,
    },
  };
}

const DEG = Math.PI / 180;
const SCALE = 44; // viewBox units per head unit (the viewBox is 100 x 100)
const EYES_X = 50,
  EYES_Y = 44; // where alignment puts the midpoint between the eyes

function neckAndBody(ctx: FaceContext, scene: Scene): string {
  const { view, id } = ctx;
  const zc = -0.28,
    a = (0.34 * id.aspect) / 0.76,
    b = 0.5;
  const sy = Math.sin(view.yaw),
    cy = Math.cos(view.yaw);
  const centre = zc * sy,
    half = Math.sqrt(a * a * cy * cy + b * b * sy * sy);
  const rollAt = (x: number, y: number, amount: number): Point => {
    const r = view.roll * amount,
      dy = y - view.pivotY;
    return {
      x: view.cx + (x * Math.cos(r) - dy * Math.sin(r)) * view.scale,
      y: view.cy + (view.pivotY + x * Math.sin(r) + dy * Math.cos(r)) * view.scale,
    };
  };
  const neck = [
    rollAt(centre - half, 0.5, 1),
    rollAt(centre + half, 0.5, 1),
    rollAt(centre * 0.6 + half * 1.15, 2.1, 0),
    rollAt(centre * 0.6 - half * 1.15, 2.1, 0),
  ];
  const neckSvg = polygon(neck, { fill: shade(id.skin, 0.14) });
  const body: Point[] = [];
  const shift = centre * 0.5;
  const collarY = 1.62,
    shoulderY = 1.78;
  body.push(rollAt(-2.2, 2.4, 0), rollAt(-2.2, shoulderY + 0.35, 0), rollAt(-1.45, shoulderY, 0));
  for (let i = 0; i <= 10; i++) {
    const t = -1 + (2 * i) / 10;
    body.push(rollAt(shift + t * half * 1.35, collarY + 0.16 * (1 - t * t), 0));
  }
  body.push(rollAt(1.45, shoulderY, 0), rollAt(2.2, shoulderY + 0.35, 0), rollAt(2.2, 2.4, 0));
  return neckSvg + polygon(body, { fill: scene.clothes, stroke: shade(scene.clothes, 0.3), strokeWidth: 0.5 });
}

function headOutline(ctx: FaceContext): Point[] {
  const { left, right } = silhouette(ctx.head, ctx.view, levelsBetween(-1, 1, 44));
  return [...right, ...left.reverse()];
}

/** Like a face dataset's aligner: translate so the point between the eyes lands at the same place in every image. */
function alignedView(head: Shape, id: IdentityParams, pose: Pose): View {
  const view: View = {
    yaw: pose.yaw * DEG,
    pitch: pose.pitch * DEG,
    roll: pose.roll * DEG,
    scale: SCALE,
    cx: 0,
    cy: 0,
    pivotY: 1.2,
  };
  const left = surfacePoint(head, -id.eyeU, id.eyeV),
    right = surfacePoint(head, id.eyeU, id.eyeV);
  const mid = projectPoint(view, (left.x + right.x) / 2, (left.y + right.y) / 2, (left.z + right.z) / 2);
  return { ...view, cx: EYES_X - mid.x, cy: EYES_Y - mid.y };
}

/** The SVG text of identity `id` seen with `pose` in `scene`, size x size pixels. */
export function faceSvg(identity: IdentityParams, pose: Pose, scene: Scene, size: number): string {
  const id = asOnTheDay(identity, scene.day);
  const head = memoShape(headShape(id));
  const view = alignedView(head, id, pose);
  const ctx: FaceContext = { head, view, id };
  const shell = memoShape(hairShell(head, id.hair));
  const hairPaint = {
    fill: id.hair.colour,
    stroke: shade(id.hair.colour, 0.3),
    strokeWidth: 0.4,
    opacity: id.hair.opacity,
  };
  const ears = ([-1, 1] as const).map((side) => ear(ctx, side));
  const glow = projectSurface(head, view, 0, 0.05, 0.3);
  const [bgTop, bgBottom] = scene.background;

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">`,
    '<defs>',
    `<linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${hex(bgTop)}"/><stop offset="1" stop-color="${hex(bgBottom)}"/></linearGradient>`,
    `<radialGradient id="skin" gradientUnits="userSpaceOnUse" cx="${glow.x.toFixed(2)}" cy="${glow.y.toFixed(2)}" r="${(1.25 * id.aspect * SCALE).toFixed(2)}">` +
      `<stop offset="0" stop-color="${hex(shade(id.skin, -0.06))}"/><stop offset="0.65" stop-color="${hex(id.skin)}"/><stop offset="1" stop-color="${hex(shade(id.skin, 0.25))}"/></radialGradient>`,
    '</defs>',
    '<rect width="100" height="100" fill="url(#bg)"/>',
    polygon(backHairOutline(shell, view, id.hair), { ...hairPaint, fill: shade(id.hair.colour, 0.18) }),
    neckAndBody(ctx, scene),
    ...ears.filter((e) => !e.front).map((e) => e.svg),
    polygon(headOutline(ctx), { fill: 'url(#skin)', stroke: shade(id.skin, 0.35), strokeWidth: 0.012 * SCALE }),
    skinMarks(ctx),
    beard(ctx),
    eye(ctx, -1, 'eyeL'),
    eye(ctx, 1, 'eyeR'),
    brow(ctx, -1),
    brow(ctx, 1),
    nose(ctx),
    mouth(ctx),
    moustacheOrGoatee(ctx),
    ...ears.filter((e) => e.front).map((e) => e.svg),
    glassesArms(ctx),
    polygon(frontHairOutline(shell, view, id.hair), hairPaint),
    glassesRims(ctx),
    '</svg>',
  ];
  return parts.join('');
}
