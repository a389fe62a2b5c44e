import type { HardestImpostorStats } from './report-types.js';

// E[S⁻] over the *hardest* impostor of each probe, per pair type: the negatives DDL trains on
// (each item's most similar other identity), so a margin E[S⁺] − E[S⁻_hardest] can be set beside
// the paper's Fig. 1. The all-impostor E[S⁻] of the pair list stays the headline; this is extra.
// Pair type → (probe side, candidate side): easy-easy (easy, easy), easy-hard (hard probe, easy
// candidates: a hard face against the enrolled easy ones), hard-hard (hard, hard).

export const hardestImpostorSides = {
  'easy-easy': [0, 0],
  'easy-hard': [1, 0],
  'hard-hard': [1, 1],
} as const;
export type SidedPairType = keyof typeof hardestImpostorSides;

export interface HardestImpostorInput {
  /** Row-major (rows × dim) embeddings; compared by cosine (normalised here). */
  embeddings: Float32Array;
  dim: number;
  /** Identity of each row. */
  labels: ArrayLike<number>;
  /** 0 easy, 1 hard, anything else: no side (left out). */
  sides: ArrayLike<number>;
  /** Most probe × candidate products per pair type; probes are thinned evenly above it (default 5e7). */
  budget?: number;
}

/** Mean over probes of the highest cosine to any candidate of another identity; null with no probe or candidate. */
export function hardestImpostorMeans(input: HardestImpostorInput): Map<SidedPairType, HardestImpostorStats> {
  const { embeddings, dim, labels, sides } = input;
  const rows = labels.length;
  const unit = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += embeddings[r * dim + k]! ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < dim; k++) unit[r * dim + k] = embeddings[r * dim + k]! * scale;
  }
  const onSide = (side: number) => {
    const out: number[] = [];
    for (let r = 0; r < rows; r++) if (sides[r] === side) out.push(r);
    return out;
  };
  const bySide = [onSide(0), onSide(1)];
  const budget = input.budget ?? 5e7;
  const result = new Map<SidedPairType, HardestImpostorStats>();
  for (const [type, [probeSide, candidateSide]] of Object.entries(hardestImpostorSides) as [
    SidedPairType,
    readonly [0 | 1, 0 | 1],
  ][]) {
    const allProbes = bySide[probeSide]!;
    const candidates = bySide[candidateSide]!;
    const count = Math.min(allProbes.length, Math.max(1, Math.floor(budget / Math.max(1, candidates.length))));
    let sum = 0;
    let probes = 0;
    for (let k = 0; k < count; k++) {
      const p = allProbes[Math.floor((k * allProbes.length) / count)]!;
      let best = -Infinity;
      for (const c of candidates) {
        if (labels[c] === labels[p]) continue; // also skips the probe itself
        let dot = 0;
        for (let k = 0; k < dim; k++) dot += unit[p * dim + k]! * unit[c * dim + k]!;
        if (dot > best) best = dot;
      }
      if (best === -Infinity) continue; // no candidate of another identity
      sum += best;
      probes++;
    }
    result.set(type, { probes, probeCandidates: allProbes.length, mean: probes > 0 ? sum / probes : null });
  }
  return result;
}
