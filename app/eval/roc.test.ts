import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { nextAbove, operatingPointAtFar, rocFromSorted, thinRoc } from './roc.js';
import { sortPairs } from './sorted-pairs.js';

function rocOf(scores: number[], labels: number[]) {
  return rocFromSorted(sortPairs(Float64Array.from(scores), Uint8Array.from(labels), null));
}

describe('ROC pieces', () => {
  it('thins a long ROC to at most maxPoints exact vertices, keeping both ends, FAR ascending', () => {
    const random = new Random(9);
    const n = 50_000;
    const labels = Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const scores = labels.map((l) => random.normal() + (l ? 2 : 0));
    const roc = rocOf(scores, labels);
    const points = thinRoc(roc, 100);
    expect(points.length).toBeLessThanOrEqual(100);
    expect(points.length).toBeGreaterThan(80);
    expect(points[0]).toEqual({ threshold: null, far: 0, tar: 0 });
    expect(points.at(-1)).toMatchObject({ far: 1, tar: 1 });
    for (let k = 1; k < points.length; k++) {
      expect(points[k]!.far).toBeGreaterThanOrEqual(points[k - 1]!.far);
      expect(points[k]!.threshold!).toBeLessThan(points[k - 1]!.threshold ?? Infinity);
    }
    // Every point is a real vertex: its threshold reproduces its FAR and TAR.
    for (const p of points.slice(1)) {
      const accepted = scores.map((s, i) => [s >= p.threshold!, labels[i]] as const);
      expect(accepted.filter(([a, l]) => a && l === 0).length / (n * 0.9)).toBeCloseTo(p.far, 12);
      expect(accepted.filter(([a, l]) => a && l === 1).length / (n * 0.1)).toBeCloseTo(p.tar, 12);
    }
    // The log-FAR grid reaches down to the first impostor.
    expect(points.some((p) => p.far > 0 && p.far <= 2 / (n * 0.9))).toBe(true);
  });

  it('operating point at a FAR below the first impostor rejects everything with a real threshold', () => {
    const roc = rocOf([0.9, 0.8, 0.7], [0, 1, 0]);
    const point = operatingPointAtFar(roc, 0.1);
    expect(point).toEqual({ threshold: nextAbove(0.9), tar: 0, far: 0, vertex: 0 });
    expect(operatingPointAtFar(roc, 0.5)).toEqual({ threshold: 0.8, tar: 1, far: 0.5, vertex: 2 });
  });

  it('nextAbove is the next double up', () => {
    expect(nextAbove(1)).toBe(1 + Number.EPSILON);
    expect(nextAbove(0)).toBe(Number.MIN_VALUE);
    expect(nextAbove(-1)).toBe(-1 + Number.EPSILON / 2);
    expect(nextAbove(0.5) > 0.5).toBe(true);
  });
});
