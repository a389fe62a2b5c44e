import type { HistogramRecord } from '../store/runs-series.js';

// DDL's soft histograms are fine (1000 bins by default) and smooth (sigma = 0.1), so they are
// stored and streamed summed into at most `maxBins` wider bins: same shape, a tenth of the bytes.

export const storedHistogramBins = 100;

/** Sums adjacent bins so at most `maxBins` remain (the bins still sum to 1). */
export function poolBins(bins: ArrayLike<number>, maxBins = storedHistogramBins): number[] {
  const n = bins.length;
  if (n <= maxBins) return Array.from(bins);
  const group = Math.ceil(n / maxBins);
  const pooled: number[] = [];
  for (let start = 0; start < n; start += group) {
    let sum = 0;
    for (let i = start; i < Math.min(n, start + group); i++) sum += bins[i] as number;
    pooled.push(sum);
  }
  return pooled;
}

export function histogramRecord(
  branch: HistogramRecord['branch'],
  bins: ArrayLike<number>,
  range: { min: number; max: number },
  mean: number,
  count: number,
): HistogramRecord {
  const binWidth = (range.max - range.min) / bins.length;
  const pooled = poolBins(bins);
  // Pooling by whole groups may cover slightly more than the range; `hi` says exactly where it ends.
  const hi = range.min + binWidth * Math.ceil(bins.length / pooled.length) * pooled.length;
  return {
    branch,
    lo: range.min,
    hi,
    bins: pooled.map((v) => Math.round(v * 1e7) / 1e7),
    mean: count > 0 && Number.isFinite(mean) ? mean : null,
    count,
  };
}
