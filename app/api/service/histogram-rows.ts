import { distributionNames, type DistributionName, type SimilarityHistograms } from '../contract/index.js';
import type { HistogramRecord } from '../../store/runs-series.js';

// Stored similarity histograms (one record per branch, bins over [lo, hi)) -> chart rows:
// one row per bin centre with a column per distribution.

export function histogramRows(records: readonly HistogramRecord[]): SimilarityHistograms {
  const byName = new Map(records.map((r) => [r.branch as DistributionName, r]));
  const grid = records[0];
  const n = grid?.bins.length ?? 0;
  const rows = Array.from({ length: n }, (_, b) => {
    const x = grid!.lo + ((b + 0.5) * (grid!.hi - grid!.lo)) / n;
    const row = { x, teacherPositive: 0, teacherNegative: 0, studentPositive: 0, studentNegative: 0 };
    for (const name of distributionNames) {
      const record = byName.get(name);
      if (!record || record.bins.length === 0) continue;
      // Same grid in practice; otherwise the bin of this record that holds x.
      const k =
        record.bins.length === n && record.lo === grid!.lo && record.hi === grid!.hi
          ? b
          : Math.floor(((x - record.lo) / (record.hi - record.lo)) * record.bins.length);
      row[name] = k >= 0 && k < record.bins.length ? record.bins[k]! : 0;
    }
    return row;
  });
  const pick = <T>(f: (r: HistogramRecord | undefined) => T) => ({
    teacherPositive: f(byName.get('teacherPositive')),
    teacherNegative: f(byName.get('teacherNegative')),
    studentPositive: f(byName.get('studentPositive')),
    studentNegative: f(byName.get('studentNegative')),
  });
  return { rows, expectations: pick((r) => r?.mean ?? null), counts: pick((r) => r?.count ?? 0) };
}
