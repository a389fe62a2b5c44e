// The exact ROC of sorted pairs, one vertex per distinct score (tied scores move together, so a tie
// of genuine and impostor pairs is one diagonal step, not an arbitrary staircase), and what it gives:
// AUC, EER, TAR at a FAR, and a thinned copy for charts.
import type { EqualErrorRate, RocPoint } from './report-types.js';
import type { SortedPairs } from './sorted-pairs.js';

export interface RocCurve {
  /** thresholds[0] = +Infinity (nothing accepted); thresholds[v] = lowest accepted score of vertex v. */
  thresholds: Float64Array;
  /** Genuine / impostor pairs with score >= thresholds[v]. */
  genuineAccepted: Uint32Array;
  impostorAccepted: Uint32Array;
  genuineTotal: number;
  impostorTotal: number;
}

export function rocFromSorted(sorted: SortedPairs): RocCurve {
  const { scores, genuine } = sorted;
  const n = scores.length;
  const thresholds = new Float64Array(n + 1);
  const genuineAccepted = new Uint32Array(n + 1);
  const impostorAccepted = new Uint32Array(n + 1);
  thresholds[0] = Infinity;
  let vertices = 1;
  let genuineSoFar = 0;
  let i = 0;
  while (i < n) {
    const value = scores[i]!;
    const groupStart = i;
    let genuineInGroup = 0;
    while (i < n && scores[i] === value) {
      genuineInGroup += genuine[i]!;
      i++;
    }
    genuineSoFar += genuineInGroup;
    thresholds[vertices] = value;
    genuineAccepted[vertices] = genuineSoFar;
    impostorAccepted[vertices] = impostorAccepted[vertices - 1]! + (i - groupStart - genuineInGroup);
    vertices++;
  }
  return {
    thresholds: thresholds.subarray(0, vertices),
    genuineAccepted: genuineAccepted.subarray(0, vertices),
    impostorAccepted: impostorAccepted.subarray(0, vertices),
    genuineTotal: sorted.genuineCount,
    impostorTotal: sorted.impostorCount,
  };
}

/** Tie-aware AUC: P(genuine > impostor) + ½ P(tie), the Mann-Whitney statistic. Null without both classes. */
export function areaUnderRoc(roc: RocCurve): number | null {
  const { genuineAccepted: g, impostorAccepted: m, genuineTotal, impostorTotal } = roc;
  if (genuineTotal === 0 || impostorTotal === 0) return null;
  let doubledArea = 0; // integer arithmetic in doubles: exact below 2^53
  for (let v = 1; v < g.length; v++) doubledArea += (m[v]! - m[v - 1]!) * (g[v - 1]! + g[v]!);
  return doubledArea / (2 * genuineTotal * impostorTotal);
}

/** EER where FAR = FRR, linear between the two vertices around the crossing. Null without both classes. */
export function equalErrorRate(roc: RocCurve): EqualErrorRate | null {
  const { thresholds, genuineAccepted, impostorAccepted, genuineTotal, impostorTotal } = roc;
  if (genuineTotal === 0 || impostorTotal === 0) return null;
  let previousGap = -1; // vertex 0: FAR 0 - FRR 1
  for (let v = 1; v < thresholds.length; v++) {
    const far = impostorAccepted[v]! / impostorTotal;
    const frr = 1 - genuineAccepted[v]! / genuineTotal;
    const gap = far - frr;
    if (gap >= 0) {
      const farBefore = impostorAccepted[v - 1]! / impostorTotal;
      const along = -previousGap / (gap - previousGap);
      const before = thresholds[v - 1]!;
      const after = thresholds[v]!;
      const threshold = Number.isFinite(before) ? before + along * (after - before) : after;
      return { rate: farBefore + along * (far - farBefore), threshold };
    }
    previousGap = gap;
  }
  return null; // unreachable: the last vertex accepts everything (FAR 1, FRR 0)
}

export interface OperatingPoint {
  /** Accept when score >= threshold. */
  threshold: number;
  tar: number;
  far: number;
  vertex: number;
}

/** The most accepting vertex whose FAR is ≤ `far` (never interpolated). Needs impostor pairs. */
export function operatingPointAtFar(roc: RocCurve, far: number): OperatingPoint {
  const { thresholds, genuineAccepted, impostorAccepted, genuineTotal, impostorTotal } = roc;
  let lo = 0; // invariant: vertex lo satisfies the target (vertex 0 has FAR 0)
  let hi = thresholds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (impostorAccepted[mid]! / impostorTotal <= far) lo = mid;
    else hi = mid - 1;
  }
  const threshold = lo === 0 ? nextAbove(thresholds.length > 1 ? thresholds[1]! : 0) : thresholds[lo]!;
  return {
    threshold,
    tar: genuineTotal === 0 ? 0 : genuineAccepted[lo]! / genuineTotal,
    far: impostorAccepted[lo]! / impostorTotal,
    vertex: lo,
  };
}

/**
 * At most `maxPoints` exact vertices, FAR ascending: the first and last, the vertex at each of a
 * log-spaced FAR grid (for log-FAR plots) and at evenly spaced FAR + TAR (for linear plots).
 */
export function thinRoc(roc: RocCurve, maxPoints: number): RocPoint[] {
  const count = roc.thresholds.length;
  const far = (v: number) => (roc.impostorTotal === 0 ? 0 : roc.impostorAccepted[v]! / roc.impostorTotal);
  const tar = (v: number) => (roc.genuineTotal === 0 ? 0 : roc.genuineAccepted[v]! / roc.genuineTotal);
  let chosen: number[];
  if (count <= maxPoints) {
    chosen = Array.from({ length: count }, (_, v) => v);
  } else {
    const picks = new Set<number>([0, count - 1]);
    const logTargets = Math.max(1, Math.floor((maxPoints - 2) / 2));
    const arcTargets = Math.max(1, maxPoints - 2 - logTargets);
    const smallestFar = roc.impostorTotal === 0 ? 1 : 1 / roc.impostorTotal;
    for (let k = 0; k < logTargets; k++) {
      const target = smallestFar * Math.pow(1 / smallestFar, logTargets === 1 ? 1 : k / (logTargets - 1));
      picks.add(lastVertexAtMost(count, far, target));
    }
    for (let k = 1; k <= arcTargets; k++)
      picks.add(lastVertexAtMost(count, (v) => far(v) + tar(v), (2 * k) / (arcTargets + 1)));
    chosen = [...picks].sort((a, b) => a - b);
  }
  return chosen.map((v) => ({ threshold: v === 0 ? null : roc.thresholds[v]!, far: far(v), tar: tar(v) }));
}

// Binary search over a non-decreasing function of the vertex.
function lastVertexAtMost(count: number, value: (v: number) => number, target: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (value(mid) <= target) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The smallest double above x: a threshold that rejects a score equal to x and everything below. */
export function nextAbove(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  const box = new Float64Array([x]);
  const bits = new BigInt64Array(box.buffer);
  bits[0] = bits[0]! + (x > 0 ? 1n : -1n);
  return box[0]!;
}
