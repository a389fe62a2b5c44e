// Pairs laid out once in descending score order; every curve, fold sweep and histogram reads these
// arrays, and the per-type sets are filtered from them in one pass (no second sort).
import { ascendingOrder } from './sort-order.js';

export interface SortedPairs {
  /** Scores, highest first. */
  scores: Float64Array;
  /** 1 genuine, 0 impostor, in the same order. */
  genuine: Uint8Array;
  /** Fold of each pair, in the same order. */
  folds: Uint8Array;
  /** Index of each pair in the caller's arrays. */
  pairIndex: Uint32Array;
  genuineCount: number;
  impostorCount: number;
}

/** Sorts all pairs by descending score (the one sort). `folds` may be null (all fold 0). */
export function sortPairs(
  scores: Float32Array | Float64Array,
  labels: Uint8Array,
  folds: Uint8Array | null,
): SortedPairs {
  const n = scores.length;
  const ascending = ascendingOrder(scores);
  const sorted: SortedPairs = {
    scores: new Float64Array(n),
    genuine: new Uint8Array(n),
    folds: new Uint8Array(n),
    pairIndex: new Uint32Array(n),
    genuineCount: 0,
    impostorCount: 0,
  };
  let genuineCount = 0;
  for (let j = 0; j < n; j++) {
    const i = ascending[n - 1 - j]!;
    sorted.scores[j] = scores[i]! + 0; // -0 becomes 0, as JSON would write it
    const label = labels[i]!;
    sorted.genuine[j] = label;
    genuineCount += label;
    if (folds) sorted.folds[j] = folds[i]!;
    sorted.pairIndex[j] = i;
  }
  sorted.genuineCount = genuineCount;
  sorted.impostorCount = n - genuineCount;
  return sorted;
}

/** The sorted pairs of each type code (0 … typeCount-1), keeping the descending order. */
export function splitByType(all: SortedPairs, typeCodes: Uint16Array, typeCount: number): SortedPairs[] {
  const n = all.scores.length;
  const sizes = new Uint32Array(typeCount);
  for (let j = 0; j < n; j++) sizes[typeCodes[all.pairIndex[j]!]!]!++;
  const sets: SortedPairs[] = Array.from(sizes, (size) => ({
    scores: new Float64Array(size),
    genuine: new Uint8Array(size),
    folds: new Uint8Array(size),
    pairIndex: new Uint32Array(size),
    genuineCount: 0,
    impostorCount: 0,
  }));
  const fill = new Uint32Array(typeCount);
  for (let j = 0; j < n; j++) {
    const code = typeCodes[all.pairIndex[j]!]!;
    const set = sets[code]!;
    const at = fill[code]!++;
    set.scores[at] = all.scores[j]!;
    set.genuine[at] = all.genuine[j]!;
    set.folds[at] = all.folds[j]!;
    set.pairIndex[at] = all.pairIndex[j]!;
    set.genuineCount += all.genuine[j]!;
  }
  for (const set of sets) set.impostorCount = set.scores.length - set.genuineCount;
  return sets;
}
