import * as tf from '@tensorflow/tfjs';
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

/** Seeded normal values, for small random embeddings in tests. */
export function randomNormals(
  rng: { normal(): number },
  count: number,
  scale = 1,
  offset: ArrayLike<number> = [],
): number[] {
  return Array.from({ length: count }, (_, i) => (offset[i % Math.max(1, offset.length)] ?? 0) + scale * rng.normal());
}

export type GradientCheck = { analytic: Float32Array; numeric: Float64Array; relativeError: number };

/**
 * tfjs's gradient of a scalar function against central finite differences at x0, coordinate by
 * coordinate. relativeError = |analytic - numeric| / max(|analytic|, |numeric|) over the whole vector.
 * float32 forward passes: h around 1e-3 balances round-off against truncation.
 */
export function checkGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  x0: ArrayLike<number>,
  shape: number[],
  h = 1e-3,
): GradientCheck {
  const base = Float32Array.from(x0);
  const analytic = tf.tidy(() => tf.grad(f)(tf.tensor(base, shape)).dataSync() as Float32Array);
  const at = (values: Float32Array) => tf.tidy(() => f(tf.tensor(values, shape)).dataSync()[0] as number);
  const numeric = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i] = (base[i] as number) + h;
    minus[i] = (base[i] as number) - h;
    // Divide by the step actually taken in float32, not the nominal h.
    numeric[i] = (at(plus) - at(minus)) / ((plus[i] as number) - (minus[i] as number));
  }
  let diff = 0;
  let scaleA = 0;
  let scaleN = 0;
  for (let i = 0; i < base.length; i++) {
    diff += ((analytic[i] as number) - (numeric[i] as number)) ** 2;
    scaleA += (analytic[i] as number) ** 2;
    scaleN += (numeric[i] as number) ** 2;
  }
  const relativeError = Math.sqrt(diff) / Math.max(Math.sqrt(scaleA), Math.sqrt(scaleN), 1e-12);
  return { analytic, numeric, relativeError };
}
