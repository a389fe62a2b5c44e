import type { LabDatabase } from './db.js';
import { sql } from './statements.js';

// Step series of a run: scalar metrics (loss terms, lr, images/s) and the four similarity
// histograms. Rows are keyed by step, so a resumed run replaying steps after its checkpoint
// overwrites them (same data order, same values) instead of adding duplicates.

export const histogramBranches = ['teacherPositive', 'teacherNegative', 'studentPositive', 'studentNegative'] as const;
export type HistogramBranch = (typeof histogramBranches)[number];

/** One soft histogram of similarities: `bins` are normalised masses over equal bins spanning [lo, hi). */
export interface HistogramRecord {
  branch: HistogramBranch;
  lo: number;
  hi: number;
  bins: number[];
  /** Expectation of the similarities (E[S+] or E[S-]); null when the branch had no values. */
  mean: number | null;
  /** Number of similarities behind the histogram (positives kept after the threshold, or negatives). */
  count: number;
}

export interface StepRecord {
  step: number;
  metrics: Record<string, number>;
  histograms?: HistogramRecord[];
}

/** Writes one step's metrics and histograms in one transaction and advances the run's `last_step`. */
export function recordSteps(db: LabDatabase, runId: number, steps: StepRecord[]): void {
  const metric = sql(
    db,
    `
    INSERT INTO run_metrics (run_id, name, step, value) VALUES (?, ?, ?, ?)
    ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value
  `,
  );
  const histogram = sql(
    db,
    `
    INSERT INTO run_histograms (run_id, step, branch, lo, hi, bins, mean, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (run_id, step, branch) DO UPDATE SET lo = excluded.lo, hi = excluded.hi, bins = excluded.bins,
      mean = excluded.mean, count = excluded.count
  `,
  );
  const progress = sql(db, 'UPDATE runs SET last_step = MAX(last_step, ?) WHERE id = ?');
  db.transaction(() => {
    for (const s of steps) {
      for (const [name, value] of Object.entries(s.metrics))
        metric.run(runId, name, s.step, Number.isFinite(value) ? value : null);
      for (const h of s.histograms ?? []) {
        histogram.run(runId, s.step, h.branch, h.lo, h.hi, JSON.stringify(h.bins), h.mean, h.count);
      }
      progress.run(s.step, runId);
    }
  })();
}

export function metricNames(db: LabDatabase, runId: number): string[] {
  return (
    sql(db, 'SELECT DISTINCT name FROM run_metrics WHERE run_id = ? ORDER BY name').all(runId) as { name: string }[]
  ).map((r) => r.name);
}

export interface SeriesPoint {
  step: number;
  value: number | null;
}

/**
 * Series by name, ordered by step. `maxPoints` thins long series evenly for charts (the last
 * point is always kept); `afterStep` returns only newer points (live charts poll with it).
 */
export function metricSeries(
  db: LabDatabase,
  runId: number,
  options: { names?: string[]; afterStep?: number; maxPoints?: number } = {},
): Record<string, SeriesPoint[]> {
  const names = options.names ?? metricNames(db, runId);
  const select = sql(
    db,
    'SELECT step, value FROM run_metrics WHERE run_id = ? AND name = ? AND step > ? ORDER BY step',
  );
  const series: Record<string, SeriesPoint[]> = {};
  for (const name of names) {
    const points = select.all(runId, name, options.afterStep ?? -1) as SeriesPoint[];
    series[name] = thin(points, options.maxPoints);
  }
  return series;
}

function thin<T>(points: T[], maxPoints: number | undefined): T[] {
  if (!maxPoints || points.length <= maxPoints) return points;
  const stride = points.length / maxPoints;
  const kept: T[] = [];
  for (let i = 0; i < maxPoints - 1; i++) kept.push(points[Math.floor(i * stride)] as T);
  kept.push(points[points.length - 1] as T);
  return kept;
}

export function countMetricRows(db: LabDatabase, runId: number): number {
  return (sql(db, 'SELECT COUNT(*) AS n FROM run_metrics WHERE run_id = ?').get(runId) as { n: number }).n;
}

/** Steps at which histograms were recorded, ascending. */
export function histogramSteps(db: LabDatabase, runId: number): number[] {
  return (
    sql(db, 'SELECT DISTINCT step FROM run_histograms WHERE run_id = ? ORDER BY step').all(runId) as { step: number }[]
  ).map((r) => r.step);
}

interface HistogramRow {
  step: number;
  branch: HistogramBranch;
  lo: number;
  hi: number;
  bins: string;
  mean: number | null;
  count: number;
}

/** The histograms at `step`, or at the latest recorded step at or before it (latest overall when omitted). */
export function histogramsAt(
  db: LabDatabase,
  runId: number,
  step?: number,
): { step: number; histograms: HistogramRecord[] } | undefined {
  const found = sql(db, 'SELECT MAX(step) AS step FROM run_histograms WHERE run_id = ? AND step <= ?').get(
    runId,
    step ?? Number.MAX_SAFE_INTEGER,
  ) as { step: number | null };
  if (found.step === null) return undefined;
  const rows = sql(db, 'SELECT * FROM run_histograms WHERE run_id = ? AND step = ?').all(
    runId,
    found.step,
  ) as HistogramRow[];
  const order = (b: HistogramBranch) => histogramBranches.indexOf(b);
  return {
    step: found.step,
    histograms: rows
      .map((r) => ({
        branch: r.branch,
        lo: r.lo,
        hi: r.hi,
        bins: JSON.parse(r.bins) as number[],
        mean: r.mean,
        count: r.count,
      }))
      .sort((a, b) => order(a.branch) - order(b.branch)),
  };
}

/** Each metric's most recent value (and its step): the runs table's "last loss" and friends. */
export function latestMetrics(db: LabDatabase, runId: number): Record<string, SeriesPoint> {
  const rows = sql(
    db,
    `
    SELECT m.name AS name, m.step AS step, m.value AS value FROM run_metrics m
    JOIN (SELECT name, MAX(step) AS step FROM run_metrics WHERE run_id = ? GROUP BY name) last
      ON last.name = m.name AND last.step = m.step
    WHERE m.run_id = ?`,
  ).all(runId, runId) as { name: string; step: number; value: number | null }[];
  return Object.fromEntries(rows.map((r) => [r.name, { step: r.step, value: r.value }]));
}
