import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { ascendingOrder } from './sort-order.js';

function reference(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b);
}

describe('ascendingOrder (radix sort of indices)', () => {
  it('orders float64 scores exactly like a comparator sort, stable on ties', () => {
    const random = new Random(7);
    const scores = Float64Array.from({ length: 20_000 }, (_, i) =>
      i % 5 === 0 ? Math.round(random.normal() * 10) / 10 : random.normal(),
    );
    expect(Array.from(ascendingOrder(scores))).toEqual(reference(scores));
  });

  it('orders float32 scores exactly, stable on ties', () => {
    const random = new Random(8);
    const scores = Float32Array.from({ length: 20_000 }, () => Math.round(random.uniform(-1, 1) * 300) / 300);
    expect(Array.from(ascendingOrder(scores))).toEqual(reference(scores));
  });

  it('handles signs, zeros, infinities, subnormals and values that differ only in the last bits', () => {
    const tiny = [1 + Number.EPSILON, 1, 1 + 2 * Number.EPSILON, 1 - Number.EPSILON / 2];
    const scores = new Float64Array([0.5, -0, 0, -1, Infinity, -Infinity, 5e-324, -5e-324, -0.5, ...tiny]);
    const sorted = Array.from(ascendingOrder(scores), (i) => scores[i]);
    expect(sorted).toEqual([
      -Infinity,
      -1,
      -0.5,
      -5e-324,
      -0,
      0,
      5e-324,
      0.5,
      1 - Number.EPSILON / 2,
      1,
      1 + Number.EPSILON,
      1 + 2 * Number.EPSILON,
      Infinity,
    ]);
  });

  it('orders a long run that shares the leading 32 bits by the low bits', () => {
    const scores = Float64Array.from({ length: 100 }, (_, i) => 1 + ((i * 37) % 100) * Number.EPSILON);
    expect(Array.from(ascendingOrder(scores))).toEqual(reference(scores));
  });

  it('accepts empty and single inputs and subarrays with an offset', () => {
    expect(Array.from(ascendingOrder(new Float64Array(0)))).toEqual([]);
    expect(Array.from(ascendingOrder(new Float32Array([3])))).toEqual([0]);
    const view = new Float64Array([9, 3, 1, 2]).subarray(1);
    expect(Array.from(ascendingOrder(view))).toEqual([1, 2, 0]);
  });
});
