// Failure mining: the genuine pairs scored lowest and the impostor pairs scored highest at an
// operating threshold, per pair type, so the Inspect page can show what the model still gets wrong.
import { checkPairInput, type LabelArray, type PairTypes, type ScoreArray } from './pair-input.js';
import type { FailureCounts, FailurePair, FailureReport, FailureThresholdSource } from './report-types.js';
import { operatingPointAtFar, rocFromSorted } from './roc.js';
import { sortPairs } from './sorted-pairs.js';

export interface FailureOptions {
  /** Accept when score >= threshold. Default: the threshold of `far` on all pairs. */
  threshold?: number;
  /** FAR used to choose the threshold when none is given (default 1e-2): the lowest threshold whose FAR is ≤ far. */
  far?: number;
  /** Most false rejects and false accepts kept per pair type (default 50). */
  limit?: number;
}

export function mineFailures(
  scores: ScoreArray,
  labels: LabelArray,
  types?: PairTypes | null,
  options: FailureOptions = {},
): FailureReport {
  const limit = options.limit ?? 50;
  const far = options.far ?? 1e-2;
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`limit is ${limit}; use a whole number ≥ 0.`);
  if (!(far > 0 && far < 1)) throw new Error(`far is ${far}; use a rate between 0 and 1, e.g. 0.01.`);
  if (options.threshold !== undefined && !Number.isFinite(options.threshold))
    throw new Error(`threshold is ${options.threshold}; use a finite number.`);
  const input = checkPairInput(scores, labels, types);
  const sorted = sortPairs(input.scores, input.labels, null);
  let threshold: number;
  let thresholdSource: FailureThresholdSource;
  if (options.threshold !== undefined) {
    threshold = options.threshold;
    thresholdSource = { kind: 'given' };
  } else {
    if (sorted.impostorCount === 0)
      throw new Error(`There are no impostor pairs, so no threshold gives FAR ${far}; pass a threshold instead.`);
    const point = operatingPointAtFar(rocFromSorted(sorted), far);
    threshold = point.threshold;
    thresholdSource = { kind: 'far', targetFar: far, achievedFar: point.far };
  }
  const typeCount = Math.max(1, input.typeNames.length);
  const typeOf = (pair: number) => (input.typeCodes ? input.typeCodes[pair]! : 0);
  const typeName = (pair: number) => (input.typeCodes ? input.typeNames[input.typeCodes[pair]!]! : null);
  const { scores: sortedScores, genuine, pairIndex } = sorted;
  const n = sortedScores.length;

  const falseRejects: FailurePair[] = [];
  const taken = new Uint32Array(typeCount);
  for (let j = n - 1; j >= 0 && sortedScores[j]! < threshold; j--) {
    if (!genuine[j]) continue;
    const pair = pairIndex[j]!;
    if (taken[typeOf(pair)]! >= limit) continue;
    taken[typeOf(pair)]!++;
    falseRejects.push({ pair, score: sortedScores[j]!, type: typeName(pair) });
  }
  const falseAccepts: FailurePair[] = [];
  taken.fill(0);
  for (let j = 0; j < n && sortedScores[j]! >= threshold; j++) {
    if (genuine[j]) continue;
    const pair = pairIndex[j]!;
    if (taken[typeOf(pair)]! >= limit) continue;
    taken[typeOf(pair)]!++;
    falseAccepts.push({ pair, score: sortedScores[j]!, type: typeName(pair) });
  }

  const tally = Array.from({ length: typeCount + 1 }, () => ({
    genuine: 0,
    impostor: 0,
    falseRejects: 0,
    falseAccepts: 0,
  }));
  const count = (row: (typeof tally)[number], isGenuine: boolean, accepted: boolean) => {
    if (isGenuine) {
      row.genuine++;
      if (!accepted) row.falseRejects++;
    } else {
      row.impostor++;
      if (accepted) row.falseAccepts++;
    }
  };
  for (let i = 0; i < n; i++) {
    const accepted = input.scores[i]! >= threshold;
    count(tally[0]!, input.labels[i] === 1, accepted);
    count(tally[1 + typeOf(i)]!, input.labels[i] === 1, accepted);
  }
  const counts: FailureCounts[] = [{ type: null, ...tally[0]! }];
  if (input.typeCodes) input.typeNames.forEach((name, code) => counts.push({ type: name, ...tally[1 + code]! }));
  return { acceptRule: 'score >= threshold', threshold, thresholdSource, falseRejects, falseAccepts, counts };
}
