// Presets: how nuisances are drawn for easy and hard images, and the rule that tells them apart.
// pose: hard = |yaw| >= 45. resolution: hard = resolution factor <= 0.25. mixed: either, or dark light.
import { Random } from '../../util/random.js';
import { hsl } from './colour.js';
import { type Scene } from './face-svg.js';
import { type HardRule } from './hard-rule.js';
import { type ImageNuisance, capturedSize } from './render-image.js';

export const presetNames = ['pose', 'resolution', 'mixed'] as const;
export type PresetName = (typeof presetNames)[number];

type Range = readonly [number, number];

/** The ranges one kind of image is drawn from (angles in degrees). */
export interface NuisanceRanges {
  absYaw: Range;
  yawPower: number; // |yaw| = lo + (hi - lo) * U^yawPower: 1 = uniform, larger = mostly near lo
  pitch: Range;
  roll: Range;
  resolution: Range; // captured pixels / size
  fullResolutionShare: number; // share of images captured at full resolution
  light: Range;
  lightGradient: Range;
  noise: Range;
}

export interface PresetParameters {
  description: string;
  hardFraction: number; // share of each identity's images that are hard (at least 1, leaving at least 2 easy)
  easy: NuisanceRanges;
  hard: Record<string, NuisanceRanges>; // hard kinds, each drawn with the given weight
  hardKindWeights: Record<string, number>;
}

export interface Preset {
  name: PresetName;
  rule: HardRule;
  parameters: PresetParameters;
}

const HARD_YAW = 45,
  LOW_RES = 0.25,
  DARK = 0.45;

// Easy images look like an aligned face dataset: mostly near-frontal (median |yaw| about 8 degrees),
// little roll (alignment removes it), mild light.
const calm: NuisanceRanges = {
  absYaw: [0, 44.9],
  yawPower: 2.5,
  pitch: [-10, 10],
  roll: [-5, 5],
  resolution: [0.5, 1],
  fullResolutionShare: 0.55,
  light: [0.8, 1.15],
  lightGradient: [0, 0.25],
  noise: [0, 4],
};
// The resolution preset holds pose nearly still, so resolution is the one thing that varies much.
const still: NuisanceRanges = {
  ...calm,
  absYaw: [0, 12],
  yawPower: 1,
  pitch: [-6, 6],
  roll: [-4, 4],
  resolution: [0.32, 1],
  fullResolutionShare: 0.4,
};

const mixedEasy: NuisanceRanges = {
  ...calm,
  resolution: [0.32, 1],
  fullResolutionShare: 0.4,
  light: [0.6, 1.2],
  lightGradient: [0, 0.35],
  noise: [0, 6],
};

const presets: Record<PresetName, Preset> = {
  pose: {
    name: 'pose',
    rule: { any: [{ attribute: 'abs_yaw', op: '>=', value: HARD_YAW }] },
    parameters: {
      description:
        'Hard images are turned away: |yaw| from 45 to 90 degrees; easy ones are within 45 degrees of frontal.',
      hardFraction: 0.4,
      easy: calm,
      hard: { pose: { ...calm, absYaw: [HARD_YAW, 90], yawPower: 1 } },
      hardKindWeights: { pose: 1 },
    },
  },
  resolution: {
    name: 'resolution',
    rule: { any: [{ attribute: 'resolution', op: '<=', value: LOW_RES }] },
    parameters: {
      description:
        'Hard images were captured at 1/8 to 1/4 of the size and scaled back up; easy ones at more than 1/4.',
      hardFraction: 0.4,
      easy: still,
      hard: { resolution: { ...still, resolution: [0.125, LOW_RES], fullResolutionShare: 0 } },
      hardKindWeights: { resolution: 1 },
    },
  },
  mixed: {
    name: 'mixed',
    rule: {
      any: [
        { attribute: 'abs_yaw', op: '>=', value: HARD_YAW },
        { attribute: 'resolution', op: '<=', value: LOW_RES },
        { attribute: 'light', op: '<=', value: DARK },
      ],
    },
    parameters: {
      description:
        'Hard images are turned away (|yaw| >= 45), low resolution (<= 1/4), both, or dark with strong side light (light <= 0.45).',
      hardFraction: 0.4,
      easy: mixedEasy,
      hard: {
        pose: { ...mixedEasy, absYaw: [HARD_YAW, 90], yawPower: 1 },
        resolution: { ...mixedEasy, resolution: [0.125, LOW_RES], fullResolutionShare: 0 },
        'pose+resolution': {
          ...mixedEasy,
          absYaw: [HARD_YAW, 90],
          yawPower: 1,
          resolution: [0.125, LOW_RES],
          fullResolutionShare: 0,
        },
        light: { ...mixedEasy, light: [0.22, DARK], lightGradient: [0.35, 0.8], noise: [4, 14] },
      },
      hardKindWeights: { pose: 0.35, resolution: 0.3, 'pose+resolution': 0.1, light: 0.25 },
    },
  },
};

export function getPreset(name: PresetName): Preset {
  return presets[name];
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

function inRange(rng: Random, [a, b]: Range): number {
  return rng.uniform(a, b);
}

/** Captured size drawn log-uniformly inside the factor range (whole pixels, so the factor is exact). */
function capturedPixels(rng: Random, r: NuisanceRanges, size: number): number {
  if (rng.next() < r.fullResolutionShare) return size;
  const lo = Math.max(2, Math.ceil(r.resolution[0] * size - 1e-9));
  const hi = Math.min(size, Math.floor(r.resolution[1] * size + 1e-9));
  if (hi <= lo) return lo;
  const px = Math.round(Math.exp(rng.uniform(Math.log(lo), Math.log(hi))));
  return Math.max(lo, Math.min(hi, px));
}

function pickKind(rng: Random, weights: Record<string, number>): string {
  const entries = Object.entries(weights);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = rng.next() * total;
  for (const [kind, w] of entries) {
    x -= w;
    if (x < 0) return kind;
  }
  return entries[entries.length - 1]![0];
}

/** Unrecorded per-image variation: muted backdrop, clothes, white balance, camera gamma, the person's day. */
function scene(rng: Random): Scene {
  const hue = rng.uniform(0, 360),
    sat = rng.uniform(0.05, 0.35),
    light = rng.uniform(0.45, 0.78);
  const warmth = rng.uniform(-0.08, 0.08);
  return {
    background: [hsl(hue, sat, light), hsl(hue + rng.uniform(-20, 20), sat, light - rng.uniform(0.04, 0.15))],
    clothes: hsl(rng.uniform(0, 360), rng.uniform(0.15, 0.6), rng.uniform(0.25, 0.55)),
    colourCast: [1 + warmth, 1 + rng.uniform(-0.04, 0.04), 1 - warmth],
    gamma: Math.exp(rng.uniform(Math.log(0.8), Math.log(1.25))),
    day: {
      skinTone: rng.uniform(0.93, 1.07),
      hairVolume: rng.uniform(0.6, 1.4),
      hairFront: rng.uniform(-0.07, 0.07),
      hairSlant: rng.uniform(-0.12, 0.12),
      hairLength: rng.uniform(-0.25, 0.25),
      hairTone: rng.uniform(0.75, 1.3),
    },
  };
}

/** One image's nuisance parameters, already rounded to what attributes.csv records. */
export function sampleNuisance(rng: Random, preset: Preset, hard: boolean, size: number): ImageNuisance {
  const p = preset.parameters;
  const r = hard ? p.hard[pickKind(rng, p.hardKindWeights)]! : p.easy;
  const t = Math.pow(rng.next(), r.yawPower);
  const yaw = (rng.next() < 0.5 ? -1 : 1) * (r.absYaw[0] + (r.absYaw[1] - r.absYaw[0]) * t);
  const low = capturedPixels(rng, r, size);
  const nuisance: ImageNuisance = {
    yaw: round(yaw, 1),
    pitch: round(inRange(rng, r.pitch), 1),
    roll: round(inRange(rng, r.roll), 1),
    resolution: low / size,
    light: round(inRange(rng, r.light), 3),
    lightAngle: Math.round(rng.uniform(0, 360)) % 360,
    lightGradient: round(inRange(rng, r.lightGradient), 3),
    noise: round(inRange(rng, r.noise), 2),
    ...scene(rng),
  };
  if (capturedSize(size, nuisance.resolution) !== low)
    throw new Error(`SynthFaces: internal error, captured size ${low} of ${size} does not round-trip`);
  return nuisance;
}
