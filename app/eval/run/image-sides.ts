import type { PairType } from '../../store/pairs-repo.js';

// Which images are easy and which hard (0 easy, 1 hard, by image id): from a split's members, or
// read back from a typed pair list when no split covers the images; and the reverse, pair types
// from the images' sides for an untyped list.

export type ImageSides = Map<number, 0 | 1>;

interface PairRefs {
  image1Ids: ArrayLike<number>;
  image2Ids: ArrayLike<number>;
}

export function sidesFromSplit(members: { easy: readonly number[]; hard: readonly number[] }): ImageSides {
  const sides: ImageSides = new Map();
  for (const id of members.easy) sides.set(id, 0);
  for (const id of members.hard) sides.set(id, 1);
  return sides;
}

/**
 * Sides implied by pair types: both images of a hard-hard pair are hard (hard wins over easy-easy
 * evidence), both of an easy-easy pair easy; an easy-hard pair makes its other image the opposite
 * of a known one, and when neither is known the first is taken as easy (the SynthFaces and
 * common list convention). Images in no typed pair get no side.
 */
export function sidesFromPairTypes(pairs: PairRefs & { types: ReadonlyArray<PairType | null> }): ImageSides {
  const sides: ImageSides = new Map();
  const n = pairs.types.length;
  for (let i = 0; i < n; i++) {
    const type = pairs.types[i];
    if (type === 'hard-hard') {
      sides.set(pairs.image1Ids[i]!, 1);
      sides.set(pairs.image2Ids[i]!, 1);
    }
  }
  for (let i = 0; i < n; i++) {
    if (pairs.types[i] !== 'easy-easy') continue;
    for (const id of [pairs.image1Ids[i]!, pairs.image2Ids[i]!]) if (!sides.has(id)) sides.set(id, 0);
  }
  const undecided: number[] = [];
  for (let i = 0; i < n; i++) if (pairs.types[i] === 'easy-hard') undecided.push(i);
  // Known sides propagate across easy-hard pairs until nothing changes; the rest follow the order convention.
  for (let changed = true; changed;) {
    changed = false;
    for (const i of undecided) {
      const a = pairs.image1Ids[i]!;
      const b = pairs.image2Ids[i]!;
      const sa = sides.get(a);
      const sb = sides.get(b);
      if (sa !== undefined && sb === undefined) {
        sides.set(b, sa === 0 ? 1 : 0);
        changed = true;
      } else if (sb !== undefined && sa === undefined) {
        sides.set(a, sb === 0 ? 1 : 0);
        changed = true;
      }
    }
  }
  for (const i of undecided) {
    const a = pairs.image1Ids[i]!;
    const b = pairs.image2Ids[i]!;
    if (!sides.has(a) && !sides.has(b)) {
      sides.set(a, 0);
      sides.set(b, 1);
    }
  }
  return sides;
}

/** Pair types from the images' sides; null where either image has no side. */
export function pairTypesFromSides(pairs: PairRefs, sides: ImageSides): Array<PairType | null> {
  return Array.from({ length: pairs.image1Ids.length }, (_, i) => {
    const a = sides.get(pairs.image1Ids[i]!);
    const b = sides.get(pairs.image2Ids[i]!);
    if (a === undefined || b === undefined) return null;
    return a + b === 0 ? 'easy-easy' : a + b === 2 ? 'hard-hard' : 'easy-hard';
  });
}
