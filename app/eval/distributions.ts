// Genuine and impostor score distributions: histograms, E[S⁺], E[S⁻], their margin, overlap and d′.
import type { HistogramCounts, ScoreDistributions, ScoreHistograms, ScoreStats } from './report-types.js';
import type { SortedPairs } from './sorted-pairs.js';

export interface HistogramRange {
  bins: number;
  min: number;
  max: number;
}

/** Counts per bin over [min, max] (last bin closed), genuine and impostor apart. */
export function scoreHistograms(sorted: SortedPairs, range: HistogramRange): ScoreHistograms {
  const { bins, min, max } = range;
  const genuineCounts = new Float64Array(bins);
  const impostorCounts = new Float64Array(bins);
  const outside = { genuineBelow: 0, genuineAbove: 0, impostorBelow: 0, impostorAbove: 0 };
  const edges = histogramEdges(range);
  const scale = bins / (max - min);
  const { scores, genuine } = sorted;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    const isGenuine = genuine[i] === 1;
    if (s < min) {
      if (isGenuine) outside.genuineBelow++;
      else outside.impostorBelow++;
      continue;
    }
    if (s > max) {
      if (isGenuine) outside.genuineAbove++;
      else outside.impostorAbove++;
      continue;
    }
    let bin = Math.min(bins - 1, Math.floor((s - min) * scale));
    // The edges decide, not the rounding of (s - min) * scale: a score on an edge opens the next bin.
    if (s < edges[bin]!) bin--;
    else if (bin < bins - 1 && s >= edges[bin + 1]!) bin++;
    if (isGenuine) genuineCounts[bin]!++;
    else impostorCounts[bin]!++;
  }
  return {
    min,
    max,
    bins,
    genuine: { counts: Array.from(genuineCounts), below: outside.genuineBelow, above: outside.genuineAbove },
    impostor: { counts: Array.from(impostorCounts), below: outside.impostorBelow, above: outside.impostorAbove },
  };
}

/** Bin edges: edges[r] = min + r·(max - min)/bins, the last one exactly max (as numpy.histogram). */
export function histogramEdges({ bins, min, max }: HistogramRange): Float64Array {
  const edges = new Float64Array(bins + 1);
  const width = (max - min) / bins;
  for (let r = 0; r < bins; r++) edges[r] = r * width + min;
  edges[bins] = max;
  return edges;
}

/** Count, mean, population sd, min, max and median of one class of the sorted pairs; null when empty. */
export function scoreStats(sorted: SortedPairs, label: 0 | 1): ScoreStats | null {
  const { scores, genuine } = sorted;
  const count = label === 1 ? sorted.genuineCount : sorted.impostorCount;
  if (count === 0) return null;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) if (genuine[i] === label) sum += scores[i]!;
  const mean = sum / count;
  let squares = 0;
  let max = -Infinity;
  let min = Infinity;
  // Scores are descending, so the median is found by counting from the top.
  const upperMiddle = Math.floor((count - 1) / 2); // rank from the top, 0-based
  const lowerMiddle = Math.floor(count / 2);
  let rank = 0;
  let atUpper = 0;
  let atLower = 0;
  for (let i = 0; i < scores.length; i++) {
    if (genuine[i] !== label) continue;
    const s = scores[i]!;
    squares += (s - mean) * (s - mean);
    if (s > max) max = s;
    if (s < min) min = s;
    if (rank === upperMiddle) atUpper = s;
    if (rank === lowerMiddle) atLower = s;
    rank++;
  }
  return { count, mean, sd: Math.sqrt(squares / count), min, max, median: (atUpper + atLower) / 2 };
}

/** Σ min(p, q) of two histograms normalised to sum 1, with below/above as two more bins. */
export function histogramOverlap(a: HistogramCounts, b: HistogramCounts): number | null {
  const totalA = a.counts.reduce((s, c) => s + c, 0) + a.below + a.above;
  const totalB = b.counts.reduce((s, c) => s + c, 0) + b.below + b.above;
  if (totalA === 0 || totalB === 0) return null;
  let overlap = Math.min(a.below / totalA, b.below / totalB) + Math.min(a.above / totalA, b.above / totalB);
  for (let r = 0; r < a.counts.length; r++) overlap += Math.min(a.counts[r]! / totalA, (b.counts[r] ?? 0) / totalB);
  return overlap;
}

export interface DistributionsWithReasons {
  distributions: ScoreDistributions;
  unavailable: { margin?: string; dPrime?: string; overlap?: string };
}

export function scoreDistributions(sorted: SortedPairs, range: HistogramRange): DistributionsWithReasons {
  const genuine = scoreStats(sorted, 1);
  const impostor = scoreStats(sorted, 0);
  const histogram = scoreHistograms(sorted, range);
  const unavailable: DistributionsWithReasons['unavailable'] = {};
  let margin: number | null = null;
  let dPrime: number | null = null;
  let overlap: number | null = null;
  if (genuine && impostor) {
    margin = genuine.mean - impostor.mean;
    const pooled = Math.sqrt((genuine.sd ** 2 + impostor.sd ** 2) / 2);
    if (pooled > 0) dPrime = Math.abs(margin) / pooled;
    else unavailable.dPrime = 'n/a: genuine and impostor scores both have zero variance';
    overlap = histogramOverlap(histogram.genuine, histogram.impostor);
  } else {
    const reason = bothClassesReason(sorted);
    unavailable.margin = reason;
    unavailable.dPrime = reason;
    unavailable.overlap = reason;
  }
  return { distributions: { genuine, impostor, margin, dPrime, overlap, histogram }, unavailable };
}

export function bothClassesReason(sorted: SortedPairs): string {
  return `n/a: needs both genuine and impostor pairs, have ${sorted.genuineCount} genuine and ${sorted.impostorCount} impostor`;
}
