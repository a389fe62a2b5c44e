import { describe, expect, it } from 'vitest';
import { smoothSeries } from '../../renderer/src/lib/smoothing.js';
import { downsampleEvenly } from '../../renderer/src/lib/downsample.js';

describe('smoothSeries (TensorBoard debiased EMA)', () => {
  it('returns the raw values at weight 0', () => {
    expect(smoothSeries([3, 1, 4, 1, 5], 0)).toEqual([3, 1, 4, 1, 5]);
  });

  it('starts at the first value (debiased), not pulled toward zero', () => {
    const smoothed = smoothSeries([10, 10, 10], 0.9);
    for (const value of smoothed) expect(value).toBeCloseTo(10, 10);
  });

  it('matches the hand-computed EMA with debiasing', () => {
    const w = 0.6;
    const [a, b] = smoothSeries([1, 3], w);
    expect(a).toBeCloseTo(1, 12);
    // last = (1-w)*1*w + (1-w)*3 = 0.24 + 1.2 = 1.44; debias by 1 - w^2 = 0.64
    expect(b).toBeCloseTo(1.44 / 0.64, 12);
  });

  it('passes non-finite values through without poisoning the rest', () => {
    const smoothed = smoothSeries([1, Number.NaN, 1], 0.5);
    expect(Number.isNaN(smoothed[1])).toBe(true);
    expect(smoothed[2]).toBeCloseTo(1, 12);
  });

  it('clamps weights outside [0, 0.999]', () => {
    expect(smoothSeries([1, 2], -1)).toEqual([1, 2]);
    expect(smoothSeries([5, 5], 7).every((v) => Math.abs(v - 5) < 1e-9)).toBe(true);
  });
});

describe('downsampleEvenly', () => {
  it('keeps short series whole', () => {
    expect(downsampleEvenly([1, 2, 3], 10)).toEqual([1, 2, 3]);
  });

  it('keeps the first and the last point and the requested count', () => {
    const points = Array.from({ length: 1001 }, (_, i) => i);
    const picked = downsampleEvenly(points, 101);
    expect(picked).toHaveLength(101);
    expect(picked[0]).toBe(0);
    expect(picked[100]).toBe(1000);
    expect(picked[50]).toBe(500);
  });
});
