import { tQuantile, tTwoSidedP } from './student-t.js';

// Mean and sd of each arm, and the paired difference of two arms over seeds with its 95 %
// confidence interval and p-value. Method: Student's t over the per-seed differences
// (d̄ ± t(0.975, n−1)·s_d/√n; p from t = d̄/(s_d/√n), two-sided). Pairing by seed removes the
// seed-to-seed spread that both arms share (same stage 1, same batches).

export interface ArmStatistics {
  mean: number | null;
  /** Sample sd (n − 1); null with fewer than 2 values. */
  sd: number | null;
  n: number;
}

export interface PairedDifference {
  mean: number | null;
  sd: number | null;
  n: number;
  /** 95 % CI of the mean difference by Student's t over seeds; null with fewer than 2 pairs. */
  ci95: [number, number] | null;
  /** Two-sided p-value of "mean difference = 0" (paired t-test); null with fewer than 2 pairs; 1 when every difference is 0. */
  p: number | null;
}

export const pairedMethod = "paired Student's t over seeds (95 % CI d̄ ± t(0.975, n−1)·s/√n, two-sided p)";

/** Mean and sample sd of the finite values; null where there are none (or, for sd, fewer than 2). */
export function armStatistics(values: readonly (number | null)[]): ArmStatistics {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = present.length;
  if (n === 0) return { mean: null, sd: null, n };
  const mean = present.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(present.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, sd, n };
}

/** `treated[i] − control[i]` over the seeds where both are known. */
export function pairedDifference(
  treated: readonly (number | null)[],
  control: readonly (number | null)[],
): PairedDifference {
  if (treated.length !== control.length)
    throw new RangeError(`paired arms need one value per seed each, got ${treated.length} and ${control.length}`);
  const diffs: number[] = [];
  treated.forEach((t, i) => {
    const c = control[i];
    if (t !== null && c !== null && c !== undefined && Number.isFinite(t) && Number.isFinite(c)) diffs.push(t - c);
  });
  const { mean, sd, n } = armStatistics(diffs);
  if (mean === null || sd === null) return { mean, sd, n, ci95: null, p: null };
  if (sd === 0) return { mean, sd, n, ci95: [mean, mean], p: mean === 0 ? 1 : 0 };
  const se = sd / Math.sqrt(n);
  const half = tQuantile(0.975, n - 1) * se;
  return { mean, sd, n, ci95: [mean - half, mean + half], p: tTwoSidedP(mean / se, n - 1) };
}
