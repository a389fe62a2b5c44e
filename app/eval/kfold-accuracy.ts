// k-fold verification accuracy (LFW protocol): each fold is scored at the threshold that is best on
// the other folds. One linear sweep of the already sorted pairs per fold, no re-sorting.
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
  for (let i = 0; i < n; i++) if (folds[i] !== heldOutFold) { trainPairs++; trainGenuine += genuine[i]!; }
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
    if (folds[i] === heldOutFold) { i++; continue; }
    const value = scores[i]!;
    if (Number.isNaN(firstValue)) firstValue = value;
    if (waitingForRejected) { highestRejected = value; waitingForRejected = false; }
    while (i < n && scores[i] === value) {
      if (folds[i] !== heldOutFold) { if (genuine[i]) genuineAccepted++; else impostorsAccepted++; }
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
  let threshold: number;
  if (Number.isNaN(lowestAccepted)) threshold = nextAbove(firstValue);
  else if (Number.isNaN(highestRejected)) threshold = lowestAccepted; // best accepts everything
  else {
    const middle = lowestAccepted / 2 + highestRejected / 2;
    threshold = middle > highestRejected && middle <= lowestAccepted ? middle : lowestAccepted;
  }
  return { threshold, accuracy: bestCorrect / trainPairs };
}

/** Accuracy of each fold at the threshold chosen on the other folds, with mean, sd (n-1) and standard error. */
export function kFoldAccuracy(sorted: SortedPairs, folds: number): FoldAccuracySummary {
  const chosen = Array.from({ length: folds }, (_, f) => bestThreshold(sorted, f));
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
