import { describe, expect, it } from 'vitest';
import { mineFailures } from './failures.js';

describe('mineFailures', () => {
  // 100 impostors at 0.00 … 0.99 and 6 genuine pairs; types alternate easy-easy / easy-hard by index.
  const impostors = Array.from({ length: 100 }, (_, k) => k / 100);
  const genuine = [0.95, 0.2, 0.985, 0.5, 0.1, 0.3];
  const scores = [...genuine, ...impostors];
  const labels = [...genuine.map(() => 1), ...impostors.map(() => 0)];
  const types = scores.map((_, i) => (i % 2 === 0 ? 'easy-easy' : 'easy-hard'));

  it('defaults to the threshold of FAR 1e-2 on all pairs and lists false rejects lowest first, false accepts highest first', () => {
    const report = mineFailures(scores, labels, types);
    // FAR ≤ 0.01 allows the top impostor (0.99); the genuine 0.985 just below it keeps FAR at 0.01: threshold 0.985.
    expect(report.threshold).toBe(0.985);
    expect(report.thresholdSource).toEqual({ kind: 'far', targetFar: 0.01, achievedFar: 0.01 });
    expect(report.acceptRule).toBe('score >= threshold');
    expect(report.falseRejects.map((f) => [f.pair, f.score])).toEqual([
      [4, 0.1],
      [1, 0.2],
      [5, 0.3],
      [3, 0.5],
      [0, 0.95],
    ]);
    expect(report.falseRejects[0]!.type).toBe('easy-easy');
    expect(report.falseAccepts).toEqual([{ pair: 105, score: 0.99, type: 'easy-hard' }]);
    expect(report.counts[0]).toEqual({ type: null, genuine: 6, impostor: 100, falseRejects: 5, falseAccepts: 1 });
    expect(report.counts.map((c) => c.type)).toEqual([null, 'easy-easy', 'easy-hard']);
    expect([report.counts[1]!.falseRejects, report.counts[2]!.falseRejects]).toEqual([2, 3]);
  });

  it('uses a given threshold and keeps up to `limit` failures of each type', () => {
    const report = mineFailures(scores, labels, types, { threshold: 0.9, limit: 2 });
    expect(report.thresholdSource).toEqual({ kind: 'given' });
    // genuine below 0.9: 0.1 (ee), 0.2 (eh), 0.3 (eh), 0.5 (eh) → easy-hard keeps its two lowest.
    expect(report.falseRejects.map((f) => f.score)).toEqual([0.1, 0.2, 0.3]);
    // impostors ≥ 0.9: 0.90 … 0.99, two per type, highest first.
    expect(report.falseAccepts.map((f) => f.score)).toEqual([0.99, 0.98, 0.97, 0.96]);
    expect(report.counts[0]!.falseAccepts).toBe(10);
    expect(report.counts[0]!.falseRejects).toBe(4);
  });

  it('works without types, and explains when no threshold can be chosen', () => {
    expect(mineFailures(scores, labels).falseAccepts[0]).toEqual({ pair: 105, score: 0.99, type: null });
    expect(() => mineFailures([0.5, 0.6], [1, 1])).toThrow(/no impostor pairs.*pass a threshold/);
    expect(mineFailures([0.5, 0.6], [1, 1], null, { threshold: 0.55 }).falseRejects).toEqual([
      { pair: 0, score: 0.5, type: null },
    ]);
    expect(() => mineFailures(scores, labels, null, { far: 2 })).toThrow(/far is 2/);
  });
});
