// Seeds for independent random streams (identity k, image j of identity k, pairs, ...), so every
// image is a pure function of (seed, identity, index): order of rendering never changes a byte.
const GOLDEN = 0x9e3779b9;

function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit seed mixed from a base seed and any number of integer parts. */
export function mixSeed(seed: number, ...parts: number[]): number {
  let h = fmix32((seed >>> 0) ^ GOLDEN);
  for (const part of parts) h = fmix32((h + GOLDEN) ^ fmix32(part >>> 0));
  return h;
}

/** Stream tags: one per purpose, so adding a stream never shifts another. */
export const STREAM = {
  identity: 1,
  imageNuisance: 2,
  imageNoise: 3,
  hardSlots: 4,
  pairs: 5,
} as const;
