// k-fold verification accuracy (LFW protocol): each fold is scored at the threshold that is best on
// the other folds. One linear sweep of the already sorted pairs finds every fold's threshold.
import type { FoldResult } from './report-types.js';
import { nextAbove } from './roc.js';
import type { SortedPairs } from './sorted-pairs.js';

export interface FoldAccuracySummary {
  mean: number;
  sd: number;
  standardError: number;
  perFold: FoldResult[];
}

/**
 * Best threshold on the pairs outside `heldOutFold` (all pairs when heldOutFold is -1). Among
 * thresholds with the best accuracy the highest interval wins; the threshold is the midpoint
 * between its lowest accepted and highest rejected score.
 */
export function bestThreshold(sorted: SortedPairs, heldOutFold: number): { threshold: number; accuracy: number } {
  const { scores, genuine, folds } = sorted;
  const n = scores.length;
  let trainGenuine = 0;
  let trainPairs = 0;
  for (let i = 0; i < n; i++)
    if (folds[i] !== heldOutFold) {
      trainPairs++;
      trainGenuine += genuine[i]!;
    }
  const trainImpostors = trainPairs - trainGenuine;
  if (trainPairs === 0) return { threshold: 0, accuracy: 0 };
  let bestCorrect = trainImpostors; // reject everything
  let lowestAccepted = NaN; // NaN: the best so far rejects everything
  let highestRejected = NaN;
  let waitingForRejected = false;
  let firstValue = NaN;
  let genuineAccepted = 0;
  let impostorsAccepted = 0;
  let i = 0;
  while (i < n) {
    if (folds[i] === heldOutFold) {
      i++;
      continue;
    }
    const value = scores[i]!;
    if (Number.isNaN(firstValue)) firstValue = value;
    if (waitingForRejected) {
      highestRejected = value;
      waitingForRejected = false;
    }
    while (i < n && scores[i] === value) {
      if (folds[i] !== heldOutFold) {
        if (genuine[i]) genuineAccepted++;
        else impostorsAccepted++;
      }
      i++;
    }
    const correct = genuineAccepted + trainImpostors - impostorsAccepted;
    if (correct > bestCorrect) {
      bestCorrect = correct;
      lowestAccepted = value;
      highestRejected = NaN;
      waitingForRejected = true;
    }
  }
  return {
    threshold: chooseThreshold(lowestAccepted, highestRejected, firstValue),
    accuracy: bestCorrect / trainPairs,
  };
}

// NaN lowestAccepted: the best rejects everything; NaN highestRejected: the best accepts everything.
function chooseThreshold(lowestAccepted: number, highestRejected: number, highestScore: number): number {
  if (Number.isNaN(lowestAccepted)) return Number.isNaN(highestScore) ? 0 : nextAbove(highestScore);
  if (Number.isNaN(highestRejected)) return lowestAccepted;
  const middle = lowestAccepted / 2 + highestRejected / 2;
  return middle > highestRejected && middle <= lowestAccepted ? middle : lowestAccepted;
}

/**
 * The threshold bestThreshold(sorted, f) would choose for every fold f, found in one sweep over the
 * distinct scores. Folds are only re-evaluated at scores held by a genuine pair: accepting impostors
 * alone can never raise training accuracy, so most groups (impostors outnumber genuine pairs) cost
 * a couple of additions.
 */
export function bestThresholdsPerFold(sorted: SortedPairs, folds: number): { threshold: number; accuracy: number }[] {
  const { scores, genuine, folds: foldOf } = sorted;
  const n = scores.length;
  const foldPairs = new Float64Array(folds);
  const foldGenuine = new Float64Array(folds);
  for (let i = 0; i < n; i++) {
    foldPairs[foldOf[i]!]!++;
    foldGenuine[foldOf[i]!]! += genuine[i]!;
  }
  const trainImpostors = new Float64Array(folds);
  for (let f = 0; f < folds; f++) trainImpostors[f] = sorted.impostorCount - (foldPairs[f]! - foldGenuine[f]!);
  const bestCorrect = Float64Array.from(trainImpostors); // reject everything
  const lowestAccepted = new Float64Array(folds).fill(NaN);
  const highestRejected = new Float64Array(folds).fill(NaN);
  const waiting = new Uint8Array(folds);
  let waitingCount = 0;
  const acceptedGenuineInFold = new Float64Array(folds);
  const acceptedImpostorsInFold = new Float64Array(folds);
  const groupInFold = new Float64Array(folds);
  let acceptedGenuine = 0;
  let acceptedImpostors = 0;
  let i = 0;
  while (i < n) {
    const value = scores[i]!;
    const groupStart = i;
    let groupHasGenuine = 0;
    while (i < n && scores[i] === value) {
      const f = foldOf[i]!;
      if (genuine[i]) {
        acceptedGenuine++;
        acceptedGenuineInFold[f]!++;
        groupHasGenuine = 1;
      } else {
        acceptedImpostors++;
        acceptedImpostorsInFold[f]!++;
      }
      i++;
    }
    if (!groupHasGenuine && waitingCount === 0) continue;
    const groupSize = i - groupStart;
    const onlyFold = groupSize === 1 ? foldOf[groupStart]! : -1;
    if (groupSize > 1) {
      groupInFold.fill(0);
      for (let j = groupStart; j < i; j++) groupInFold[foldOf[j]!]!++;
    }
    for (let f = 0; f < folds; f++) {
      if (groupSize === 1 ? f === onlyFold : groupInFold[f] === groupSize) continue; // no training pair of fold f here
      if (waiting[f]) {
        highestRejected[f] = value;
        waiting[f] = 0;
        waitingCount--;
      }
      if (!groupHasGenuine) continue;
      const correct =
        acceptedGenuine -
        acceptedGenuineInFold[f]! +
        trainImpostors[f]! -
        (acceptedImpostors - acceptedImpostorsInFold[f]!);
      if (correct > bestCorrect[f]!) {
        bestCorrect[f] = correct;
        lowestAccepted[f] = value;
        highestRejected[f] = NaN;
        if (!waiting[f]) {
          waiting[f] = 1;
          waitingCount++;
        }
      }
    }
  }
  return Array.from({ length: folds }, (_, f) => ({
    threshold: chooseThreshold(lowestAccepted[f]!, highestRejected[f]!, highestTrainingScore(sorted, f)),
    accuracy: n - foldPairs[f]! === 0 ? 0 : bestCorrect[f]! / (n - foldPairs[f]!),
  }));
}

// The first (highest) score not held out in fold f; NaN when every pair is in fold f.
function highestTrainingScore(sorted: SortedPairs, f: number): number {
  for (let i = 0; i < sorted.scores.length; i++) if (sorted.folds[i] !== f) return sorted.scores[i]!;
  return NaN;
}

/** Accuracy of each fold at the threshold chosen on the other folds, with mean, sd (n-1) and standard error. */
export function kFoldAccuracy(sorted: SortedPairs, folds: number): FoldAccuracySummary {
  const chosen = bestThresholdsPerFold(sorted, folds);
  const correct = new Float64Array(folds);
  const sizes = new Float64Array(folds);
  const { scores, genuine } = sorted;
  for (let i = 0; i < scores.length; i++) {
    const f = sorted.folds[i]!;
    sizes[f]!++;
    const accepted = scores[i]! >= chosen[f]!.threshold;
    if (accepted === (genuine[i] === 1)) correct[f]!++;
  }
  const perFold: FoldResult[] = chosen.map((c, f) => ({
    fold: f,
    pairs: sizes[f]!,
    threshold: c.threshold,
    accuracy: sizes[f]! === 0 ? 0 : correct[f]! / sizes[f]!,
    trainingAccuracy: c.accuracy,
  }));
  const accuracies = perFold.map((r) => r.accuracy);
  const mean = accuracies.reduce((a, b) => a + b, 0) / folds;
  const sd = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / (folds - 1));
  return { mean, sd, standardError: sd / Math.sqrt(folds), perFold };
}
