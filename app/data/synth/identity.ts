// Identity parameters of a SynthFace: everything that stays the same across one person's images.
// Head units: the head's half-height is 1; u is the angle around the head (0 = front), v the level
// (-1 = top of the head, 0 = eye/cheekbone level, 1 = chin).
import { Random } from '../../util/random.js';
import { type Rgb, mix, paletteAt } from './colour.js';

export type Fringe = 'straight' | 'side' | 'middle' | 'peak' | 'bangs' | 'receding';
export type Beard = 'none' | 'stubble' | 'moustache' | 'goatee' | 'full';

export interface HairParams {
  colour: Rgb;
  opacity: number;
  front: number; // forehead hairline level
  fringe: Fringe;
  fringeSlant: number;
  fringePhase: number;
  sideLevel: number; // hair level at the temples / over the ears
  length: number; // hair level at the back (above 1 = below the chin)
  volumeSide: number;
  volumeTop: number;
  volumeBack: number;
  curl: number;
  curlFrequency: number;
}

export interface Glasses {
  shape: 'round' | 'square';
  colour: Rgb;
  size: number; // rim radius relative to the eye half-width
  tint: number; // lens opacity
}

export interface IdentityParams {
  aspect: number; // face half-width / half-height
  foreheadWidth: number;
  jawSquare: number; // superellipse exponent of the lower face
  chinTaper: number;
  depthFront: number;
  depthBack: number;
  chinForward: number;
  skin: Rgb;
  eyeU: number; // half eye spacing (radians)
  eyeV: number;
  eyeWidth: number; // eye half-width (head units)
  eyeHeight: number; // upper-lid height (head units)
  eyeLower: number; // lower lid as a fraction of the upper
  eyeTilt: number; // radians, outer corner up when positive
  irisSize: number;
  irisColour: Rgb;
  lidWeight: number;
  browGap: number;
  browThickness: number;
  browArch: number;
  browLength: number;
  browSlant: number;
  browColour: Rgb;
  noseBottom: number; // level of the nose base
  noseWidth: number; // radians
  noseProtrusion: number;
  nostrilSize: number;
  mouthV: number;
  mouthWidth: number; // radians
  upperLip: number;
  lowerLip: number;
  smile: number;
  lipColour: Rgb;
  earSize: number;
  earStickOut: number; // radians
  hair: HairParams;
  beard: Beard;
  glasses: Glasses | null;
  mole: { u: number; v: number; size: number } | null;
  freckles: { u: number; v: number }[];
  blush: number; // 0..1 opacity of cheek blush
}

const SKIN: readonly Rgb[] = [
  [255, 228, 206],
  [243, 199, 170],
  [228, 176, 140],
  [203, 140, 100],
  [166, 108, 72],
  [122, 78, 50],
  [88, 56, 38],
];
// Hair colours with how common they are: mostly dark, as in most face datasets, so hair colour alone
// rarely tells two people apart (which keeps low-resolution images genuinely hard).
const HAIR: readonly (readonly [Rgb, number])[] = [
  [[24, 20, 19], 0.3],
  [[52, 36, 28], 0.25],
  [[92, 60, 38], 0.15],
  [[138, 62, 34], 0.04],
  [[190, 98, 48], 0.03],
  [[168, 134, 84], 0.08],
  [[222, 190, 124], 0.06],
  [[136, 134, 132], 0.06],
  [[214, 212, 206], 0.03],
];
const DYED: readonly Rgb[] = [
  [70, 90, 170],
  [178, 70, 130],
  [110, 60, 150],
  [60, 140, 120],
];
const IRIS: readonly Rgb[] = [
  [90, 56, 30],
  [48, 32, 22],
  [130, 98, 48],
  [74, 122, 74],
  [64, 110, 170],
  [112, 124, 136],
];
const FRAMES: readonly Rgb[] = [
  [20, 20, 22],
  [92, 56, 30],
  [196, 160, 70],
  [150, 150, 156],
  [170, 36, 40],
  [40, 60, 140],
];
const FRINGES: readonly Fringe[] = ['straight', 'side', 'middle', 'peak', 'bangs', 'receding'];

function weighted<T>(rng: Random, options: readonly (readonly [T, number])[]): T {
  const total = options.reduce((sum, [, w]) => sum + w, 0);
  let x = rng.next() * total;
  for (const [value, w] of options) {
    x -= w;
    if (x < 0) return value;
  }
  return options[options.length - 1]![0];
}

function jitter(rng: Random, colour: Rgb, amount: number): Rgb {
  return [
    colour[0] + rng.uniform(-amount, amount),
    colour[1] + rng.uniform(-amount, amount),
    colour[2] + rng.uniform(-amount, amount),
  ];
}

function sampleHair(rng: Random): HairParams {
  const dyed = rng.next() < 0.015;
  const colour = dyed ? jitter(rng, rng.pick(DYED), 12) : jitter(rng, weighted(rng, HAIR), 10);
  const style = weighted(rng, [
    ['buzz', 0.12],
    ['short', 0.43],
    ['medium', 0.25],
    ['long', 0.2],
  ] as const);
  const fringe = rng.pick(FRINGES);
  const front =
    fringe === 'bangs'
      ? rng.uniform(-0.38, -0.22)
      : fringe === 'receding'
        ? rng.uniform(-0.85, -0.7)
        : rng.uniform(-0.7, -0.45);
  const length =
    style === 'buzz'
      ? rng.uniform(0.25, 0.4)
      : style === 'short'
        ? rng.uniform(0.3, 0.55)
        : style === 'medium'
          ? rng.uniform(0.7, 1.05)
          : rng.uniform(1.3, 2.0);
  const sideLevel =
    style === 'long'
      ? length * rng.uniform(0.75, 1)
      : style === 'medium'
        ? rng.uniform(0.05, 0.55)
        : rng.uniform(-0.3, 0.05);
  const volume = style === 'buzz' ? 0.015 : rng.uniform(0.03, style === 'short' ? 0.12 : 0.2);
  return {
    colour,
    opacity: style === 'buzz' ? rng.uniform(0.55, 0.8) : 1,
    front,
    fringe,
    fringeSlant: rng.uniform(-0.22, 0.22),
    fringePhase: rng.uniform(0, Math.PI * 2),
    sideLevel,
    length,
    volumeSide: volume,
    volumeTop: style === 'buzz' ? 0.01 : rng.uniform(0.02, 0.28),
    volumeBack: volume * rng.uniform(1, 1.8),
    curl: rng.next() < 0.3 ? rng.uniform(0.03, 0.09) : 0,
    curlFrequency: rng.uniform(5, 11),
  };
}

/** Draws one identity. The draw order is part of the format: change it and every seed changes. */
export function sampleIdentity(rng: Random): IdentityParams {
  const skin = jitter(rng, paletteAt(SKIN, (rng.next() + rng.next()) / 2), 6); // medium tones most common
  const hair = sampleHair(rng);
  const browDark = rng.uniform(0.15, 0.6);
  const glasses =
    rng.next() < 0.18
      ? {
          shape: rng.next() < 0.5 ? ('round' as const) : ('square' as const),
          colour: rng.pick(FRAMES),
          size: rng.uniform(1.25, 1.6),
          tint: rng.next() < 0.25 ? rng.uniform(0.3, 0.7) : 0.08,
        }
      : null;
  const beard = weighted(rng, [
    ['none', 0.62],
    ['stubble', 0.1],
    ['moustache', 0.1],
    ['goatee', 0.08],
    ['full', 0.1],
  ] as const);
  const mouthWidth = rng.uniform(0.26, 0.44);
  return {
    aspect: rng.uniform(0.7, 0.82),
    foreheadWidth: rng.uniform(0.9, 1.06),
    jawSquare: rng.uniform(1.8, 3.6),
    chinTaper: rng.uniform(0, 0.35),
    depthFront: rng.uniform(1.0, 1.2),
    depthBack: rng.uniform(1.05, 1.3),
    chinForward: rng.uniform(0, 0.14),
    skin,
    eyeU: rng.uniform(0.34, 0.5),
    eyeV: rng.uniform(-0.08, 0.08),
    eyeWidth: rng.uniform(0.11, 0.17),
    eyeHeight: rng.uniform(0.055, 0.1),
    eyeLower: rng.uniform(0.45, 0.9),
    eyeTilt: rng.uniform(-0.2, 0.25),
    irisSize: rng.uniform(0.6, 0.95),
    irisColour: jitter(rng, rng.pick(IRIS), 10),
    lidWeight: rng.uniform(0.012, 0.03),
    browGap: rng.uniform(0.05, 0.13),
    browThickness: rng.uniform(0.025, 0.07),
    browArch: rng.uniform(-0.01, 0.06),
    browLength: rng.uniform(1.0, 1.45),
    browSlant: rng.uniform(-0.05, 0.05),
    browColour: mix(hair.colour, [20, 16, 14], browDark),
    noseBottom: rng.uniform(0.26, 0.4),
    noseWidth: rng.uniform(0.1, 0.2),
    noseProtrusion: rng.uniform(0.14, 0.3),
    nostrilSize: rng.uniform(0.012, 0.026),
    mouthV: rng.uniform(0.5, 0.64),
    mouthWidth,
    upperLip: rng.uniform(0.015, 0.045),
    lowerLip: rng.uniform(0.02, 0.06),
    smile: rng.uniform(-0.025, 0.05),
    lipColour: mix(skin, jitter(rng, [176, 70, 80], 20), rng.uniform(0.3, 0.65)),
    earSize: rng.uniform(0.85, 1.2),
    earStickOut: rng.uniform(0.2, 0.6),
    hair,
    beard,
    glasses,
    mole:
      rng.next() < 0.25
        ? { u: rng.uniform(-0.9, 0.9), v: rng.uniform(-0.3, 0.8), size: rng.uniform(0.012, 0.025) }
        : null,
    freckles:
      rng.next() < 0.15
        ? Array.from({ length: Math.floor(rng.uniform(8, 18)) }, () => ({
            u: (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.2, 0.75),
            v: rng.uniform(0.08, 0.38),
          }))
        : [],
    blush: rng.next() < 0.35 ? rng.uniform(0.12, 0.3) : 0,
  };
}
