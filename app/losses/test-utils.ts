import { expect } from 'vitest';

/** Element-wise |actual - expected| <= tol * max(1, |expected|): float32 results against hand values. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i] as number;
    const got = actual[i] as number;
    const ok = Math.abs(got - want) <= tol * Math.max(1, Math.abs(want));
    if (!ok) expect.fail(`element ${i}: got ${got}, expected ${want} (tolerance ${tol})`);
  }
}
