import { describe, expect, it } from 'vitest';
import { cosineToIdentityMean } from './hardness.js';

describe('cosineToIdentityMean (per-image hardness)', () => {
  // Identity 7: (1,0), (0,1), (1,0) → mean (2/3, 1/3); identity 9: one image (0.6, 0.8).
  const embeddings = new Float32Array([1, 0, 0, 1, 1, 0, 0.6, 0.8]);
  const labels = [7, 7, 7, 9];

  it('is the cosine of each image to its identity mean (lower = harder)', () => {
    const cosine = cosineToIdentityMean(embeddings, labels);
    const norm = Math.sqrt(5) / 3;
    expect(cosine[0]).toBeCloseTo(2 / 3 / norm, 6); // 2/√5
    expect(cosine[1]).toBeCloseTo(1 / 3 / norm, 6); // 1/√5: the odd one out is the hardest
    expect(cosine[2]).toBeCloseTo(cosine[0]!, 7);
    expect(cosine[3]).toBeCloseTo(1, 6); // alone: its own mean
  });

  it('leave-one-out compares with the other images only; a lone image gets NaN', () => {
    const cosine = cosineToIdentityMean(embeddings, labels, { leaveOneOut: true });
    expect(cosine[0]).toBeCloseTo(1 / Math.SQRT2, 6); // others: (0,1) + (1,0)
    expect(cosine[1]).toBeCloseTo(0, 6); // others: 2·(1,0)
    expect(Number.isNaN(cosine[3])).toBe(true);
  });

  it('accepts rows as arrays and string labels', () => {
    const rows = [new Float32Array([1, 0]), new Float32Array([0, 1])];
    expect(Array.from(cosineToIdentityMean(rows, ['x', 'y']))).toEqual([1, 1]);
  });
});
