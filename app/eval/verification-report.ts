// The one entry point for verification metrics: scores + labels (+ pair types) in, a JSON-ready
// VerificationReport out, overall, per pair type, and the gaps between types.
import { assignFolds } from './folds.js';
import { kFoldAccuracy } from './kfold-accuracy.js';
import { bothClassesReason, scoreDistributions } from './distributions.js';
import { checkPairInput, type LabelArray, type PairTypes, type ScoreArray } from './pair-input.js';
import { gapReferenceType, pairTypeGaps } from './pair-type-gaps.js';
import type {
  KFoldAccuracy,
  PairSetMetrics,
  TarAtFar,
  VerificationOptions,
  VerificationReport,
} from './report-types.js';
import { areaUnderRoc, equalErrorRate, operatingPointAtFar, rocFromSorted, thinRoc } from './roc.js';
import { sortPairs, splitByType, type SortedPairs } from './sorted-pairs.js';
import {
  requiredImpostors,
  resolveVerificationOptions,
  type VerificationOptionsInput,
} from './verification-options.js';

/**
 * Every verification metric for `scores` (any real numbers, higher = more alike) and `labels`
 * (1 genuine, 0 impostor), overall and per pair type when `types` is given. A pair is accepted
 * when score >= threshold. `listFolds` (0 … k-1 per pair) are the pair list's own folds, used with
 * `foldAssignment: 'list'` (k then replaces `folds`). Throws on malformed input (message names the
 * index and value).
 */
export function computeVerificationReport(
  scores: ScoreArray,
  labels: LabelArray,
  types?: PairTypes | null,
  options?: VerificationOptionsInput,
  listFolds?: ArrayLike<number>,
): VerificationReport {
  let resolved = resolveVerificationOptions(options);
  const input = checkPairInput(scores, labels, types);
  const reference = input.typeCodes ? gapReferenceType(input.typeNames, resolved.gapReference) : null;
  let folds: Uint8Array;
  if (resolved.foldAssignment === 'list') {
    folds = checkListFolds(listFolds, input.labels.length);
    resolved = { ...resolved, folds: Math.max(...folds) + 1 };
  } else {
    folds = assignFolds(input.labels, input.typeCodes, {
      folds: resolved.folds,
      assignment: resolved.foldAssignment,
      seed: resolved.seed,
    });
  }
  const all = sortPairs(input.scores, input.labels, folds);
  const overall = pairSetMetrics(all, null, resolved);
  const byType = input.typeCodes
    ? splitByType(all, input.typeCodes, input.typeNames.length).map((set, code) =>
        pairSetMetrics(set, input.typeNames[code]!, resolved),
      )
    : [];
  return {
    schemaVersion: 1,
    acceptRule: 'score >= threshold',
    options: resolved,
    overall,
    byType,
    gaps: pairTypeGaps(byType, reference),
  };
}

/** The list's folds as fold indexes; every pair must have one (0 … 254) and there must be at least 2. */
function checkListFolds(listFolds: ArrayLike<number> | undefined, n: number): Uint8Array {
  if (!listFolds) throw new Error(`foldAssignment "list" needs the pair list's folds; this input has none.`);
  if (listFolds.length !== n)
    throw new Error(`the pair list gives ${listFolds.length} folds for ${n} pairs; give one fold per pair.`);
  const folds = new Uint8Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const f = listFolds[i]!;
    if (!Number.isInteger(f) || f < 0 || f > 254)
      throw new Error(`fold of pair ${i} is ${String(f)}; a list fold is a whole number from 0 to 254.`);
    folds[i] = f;
    if (f > max) max = f;
  }
  if (max < 1) throw new Error('the pair list puts every pair in one fold; k-fold accuracy needs at least 2 folds.');
  return folds;
}

/** All metrics of one set of sorted pairs (`folds` of the sorted pairs already assigned). */
export function pairSetMetrics(sorted: SortedPairs, type: string | null, options: VerificationOptions): PairSetMetrics {
  const pairs = sorted.scores.length;
  const { genuineCount: genuine, impostorCount: impostor } = sorted;
  const unavailable: PairSetMetrics['unavailable'] = {};
  const { distributions, unavailable: distributionReasons } = scoreDistributions(sorted, {
    bins: options.bins,
    min: options.range[0],
    max: options.range[1],
  });
  Object.assign(unavailable, distributionReasons);
  const base = { type, pairs, genuine, impostor, distributions, unavailable };
  if (genuine === 0 || impostor === 0) {
    const reason = bothClassesReason(sorted);
    for (const key of ['auc', 'eer', 'accuracy', 'roc'] as const) unavailable[key] = reason;
    return {
      ...base,
      auc: null,
      eer: null,
      roc: null,
      accuracy: null,
      tarAtFar: options.farTargets.map((far) => missingTar(far, reason)),
    };
  }
  const roc = rocFromSorted(sorted);
  const tarAtFar = options.farTargets.map((far): TarAtFar => {
    const required = requiredImpostors(far);
    if (impostor < required) return missingTar(far, `n/a: needs ≥ ${required} impostor pairs, have ${impostor}`);
    const point = operatingPointAtFar(roc, far);
    return {
      far,
      tar: point.tar,
      threshold: point.threshold,
      achievedFar: point.far,
      requiredImpostors: required,
      reason: null,
    };
  });
  const accuracy = foldAccuracy(sorted, options);
  if (typeof accuracy === 'string') unavailable.accuracy = accuracy;
  return {
    ...base,
    auc: areaUnderRoc(roc),
    eer: equalErrorRate(roc),
    tarAtFar,
    accuracy: typeof accuracy === 'string' ? null : accuracy,
    roc: { vertices: roc.thresholds.length, points: thinRoc(roc, options.rocPoints) },
  };
}

function foldAccuracy(sorted: SortedPairs, options: VerificationOptions): KFoldAccuracy | string {
  const pairs = sorted.scores.length;
  if (pairs < options.folds) return `n/a: ${options.folds}-fold accuracy needs ≥ ${options.folds} pairs, have ${pairs}`;
  const sizes = new Uint32Array(options.folds);
  for (let i = 0; i < pairs; i++) sizes[sorted.folds[i]!]!++;
  const empty = sizes.indexOf(0);
  if (empty >= 0)
    return options.foldAssignment === 'list'
      ? `n/a: the pair list's fold ${empty} has no pairs of this set`
      : `n/a: fold ${empty} has no pairs of this set (contiguous folds follow the input order; use stratified-shuffle)`;
  const summary = kFoldAccuracy(sorted, options.folds);
  return {
    folds: options.folds,
    assignment: options.foldAssignment,
    seed: options.foldAssignment === 'stratified-shuffle' ? options.seed : null,
    ...summary,
  };
}

function missingTar(far: number, reason: string): TarAtFar {
  return { far, tar: null, threshold: null, achievedFar: null, requiredImpostors: requiredImpostors(far), reason };
}
