import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { assignFolds } from './folds.js';
import { bestThreshold, bestThresholdsPerFold } from './kfold-accuracy.js';
import { sortPairs } from './sorted-pairs.js';

describe('k-fold threshold search', () => {
  it('the one-sweep search agrees with a separate sweep per fold (ties, unbalanced, contiguous and shuffled folds)', () => {
    const random = new Random(4);
    for (const [n, decimals, folds, assignment] of [
      [500, 1, 10, 'stratified-shuffle'],
      [997, 2, 10, 'contiguous'],
      [60, 0, 7, 'stratified-shuffle'],
      [2000, 3, 10, 'stratified-shuffle'],
    ] as const) {
      const scale = 10 ** decimals;
      const labels = Uint8Array.from({ length: n }, () => (random.next() < 0.3 ? 1 : 0));
      const scores = Float64Array.from(
        labels,
        (l) => Math.round((random.normal() * 0.3 + (l ? 0.4 : 0)) * scale) / scale,
      );
      const sorted = sortPairs(scores, labels, assignFolds(labels, null, { folds, assignment, seed: 1 }));
      const together = bestThresholdsPerFold(sorted, folds);
      const apart = Array.from({ length: folds }, (_, f) => bestThreshold(sorted, f));
      expect(together).toEqual(apart);
    }
  });

  it('chooses reject-all just above the highest score when that is best, and accept-all at the lowest', () => {
    const impostorsOnly = sortPairs(new Float64Array([0.5, 0.2, 0.9]), new Uint8Array([0, 0, 0]), null);
    const rejectAll = bestThreshold(impostorsOnly, -1);
    expect(rejectAll.accuracy).toBe(1);
    expect(rejectAll.threshold).toBeGreaterThan(0.9);
    expect(rejectAll.threshold - 0.9).toBeLessThan(1e-15);
    const genuineOnly = sortPairs(new Float64Array([0.5, 0.2, 0.9]), new Uint8Array([1, 1, 1]), null);
    expect(bestThreshold(genuineOnly, -1)).toEqual({ threshold: 0.2, accuracy: 1 });
  });
});
