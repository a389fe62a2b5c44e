import type { LabDatabase } from './db.js';
import { sql } from './statements.js';

// Where each run executes (migration 008): `local` runs are child processes of the lab; runs of an
// external executor (`slurm`) are batch jobs working on a run bundle, and the lab only learns about
// them through the scheduler and the bundle. Kept beside the runs table, not in RunRecord, so the
// local run code reads exactly what it did before.

export const executorNames = ['local', 'slurm'] as const;
export type ExecutorName = (typeof executorNames)[number];

export interface RunExecution {
  runId: number;
  executor: ExecutorName;
  /** The scheduler's job id (`123`, or `123_0` for an array task); null for local runs and before submission. */
  jobId: string | null;
  /** The scheduler's last reported state (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, GONE...). */
  jobState: string | null;
  /** The run bundle the job works on. */
  bundleDir: string | null;
}

interface Row {
  id: number;
  executor: string;
  job_id: string | null;
  job_state: string | null;
  bundle_dir: string | null;
}

const toExecution = (r: Row): RunExecution => ({
  runId: r.id,
  executor: (executorNames as readonly string[]).includes(r.executor) ? (r.executor as ExecutorName) : 'local',
  jobId: r.job_id,
  jobState: r.job_state,
  bundleDir: r.bundle_dir,
});

export function getRunExecution(db: LabDatabase, runId: number): RunExecution | undefined {
  const row = sql(db, 'SELECT id, executor, job_id, job_state, bundle_dir FROM runs WHERE id = ?').get(runId) as
    Row | undefined;
  return row ? toExecution(row) : undefined;
}

/** The executions of several runs at once (the runs list), keyed by run id. */
export function listRunExecutions(db: LabDatabase, runIds: number[]): Map<number, RunExecution> {
  const out = new Map<number, RunExecution>();
  if (runIds.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT id, executor, job_id, job_state, bundle_dir FROM runs WHERE id IN (${runIds.map(() => '?').join(', ')})`,
    )
    .all(...runIds) as Row[];
  for (const row of rows) out.set(row.id, toExecution(row));
  return out;
}

/** Runs of an external executor the lab still follows (queued or running): re-attached after a restart. */
export function listExternalRunsInFlight(db: LabDatabase, executor: ExecutorName): RunExecution[] {
  return (
    sql(
      db,
      "SELECT id, executor, job_id, job_state, bundle_dir FROM runs WHERE executor = ? AND status IN ('queued', 'running') ORDER BY id",
    ).all(executor) as Row[]
  ).map(toExecution);
}

export function setRunExecution(
  db: LabDatabase,
  runId: number,
  execution: { executor: ExecutorName; jobId?: string | null; jobState?: string | null; bundleDir?: string | null },
): void {
  sql(db, 'UPDATE runs SET executor = ?, job_id = ?, job_state = ?, bundle_dir = ? WHERE id = ?').run(
    execution.executor,
    execution.jobId ?? null,
    execution.jobState ?? null,
    execution.bundleDir ?? null,
    runId,
  );
}

export function setRunJobState(db: LabDatabase, runId: number, jobState: string | null): void {
  sql(db, 'UPDATE runs SET job_state = ? WHERE id = ?').run(jobState, runId);
}

/** True for runs no local process works on: start-up recovery and pid checks leave them to their executor. */
export function isExternalRun(db: LabDatabase, runId: number): boolean {
  const row = sql(db, 'SELECT executor FROM runs WHERE id = ?').get(runId) as { executor: string } | undefined;
  return row !== undefined && row.executor !== 'local';
}

/** What an external executor reports about a run, written as one compare-free update (idempotent). */
export interface ExternalRunState {
  status: 'queued' | 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';
  lastStep: number;
  backend: string | null;
  attempts: number;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  jobState: string | null;
}

export function applyExternalRunState(db: LabDatabase, runId: number, state: ExternalRunState): void {
  sql(
    db,
    `UPDATE runs SET status = ?, last_step = ?, backend = COALESCE(?, backend), attempts = MAX(attempts, ?), error = ?,
       started_at = COALESCE(started_at, ?), finished_at = ?, job_state = ?, pid = NULL WHERE id = ?`,
  ).run(
    state.status,
    state.lastStep,
    state.backend,
    state.attempts,
    state.error,
    state.startedAt,
    state.finishedAt,
    state.jobState,
    runId,
  );
}

/** Replaces a run's metric and histogram rows by an imported set (one transaction: readers see old or new). */
export function replaceRunSeries(
  db: LabDatabase,
  runId: number,
  metrics: Array<{ step: number; metrics: Record<string, number | null> }>,
  histograms: Array<{
    step: number;
    histograms: Array<{ branch: string; lo: number; hi: number; bins: number[]; mean: number | null; count: number }>;
  }>,
): void {
  const metric = sql(db, 'INSERT INTO run_metrics (run_id, name, step, value) VALUES (?, ?, ?, ?)');
  const histogram = sql(
    db,
    'INSERT INTO run_histograms (run_id, step, branch, lo, hi, bins, mean, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    sql(db, 'DELETE FROM run_metrics WHERE run_id = ?').run(runId);
    sql(db, 'DELETE FROM run_histograms WHERE run_id = ?').run(runId);
    for (const s of metrics)
      for (const [name, value] of Object.entries(s.metrics))
        metric.run(runId, name, s.step, typeof value === 'number' && Number.isFinite(value) ? value : null);
    for (const s of histograms)
      for (const h of s.histograms)
        histogram.run(runId, s.step, h.branch, h.lo, h.hi, JSON.stringify(h.bins), h.mean, h.count);
  })();
}

type MetricStep = { step: number; metrics: Record<string, number | null> };
type HistogramStep = {
  step: number;
  histograms: Array<{ branch: string; lo: number; hi: number; bins: number[]; mean: number | null; count: number }>;
};

/**
 * Applies new lines of a bundle's series files to a run's rows, in file order (one transaction):
 * an attempt line drops the steps after its resumeFrom, a step line replaces that step's rows.
 * The same rule as a full import, so rows already there are left as they are.
 */
export function appendRunSeries(
  db: LabDatabase,
  runId: number,
  metrics: Array<{ attempt: { resumeFrom: number } } | { line: MetricStep }>,
  histograms: Array<{ attempt: { resumeFrom: number } } | { line: HistogramStep }>,
): void {
  const metric = sql(db, 'INSERT OR REPLACE INTO run_metrics (run_id, name, step, value) VALUES (?, ?, ?, ?)');
  const histogram = sql(
    db,
    'INSERT OR REPLACE INTO run_histograms (run_id, step, branch, lo, hi, bins, mean, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const entry of metrics) {
      if ('attempt' in entry) {
        sql(db, 'DELETE FROM run_metrics WHERE run_id = ? AND step > ?').run(runId, entry.attempt.resumeFrom);
        continue;
      }
      const { step, metrics: values } = entry.line;
      sql(db, 'DELETE FROM run_metrics WHERE run_id = ? AND step = ?').run(runId, step);
      for (const [name, value] of Object.entries(values))
        metric.run(runId, name, step, typeof value === 'number' && Number.isFinite(value) ? value : null);
    }
    for (const entry of histograms) {
      if ('attempt' in entry) {
        sql(db, 'DELETE FROM run_histograms WHERE run_id = ? AND step > ?').run(runId, entry.attempt.resumeFrom);
        continue;
      }
      sql(db, 'DELETE FROM run_histograms WHERE run_id = ? AND step = ?').run(runId, entry.line.step);
      for (const h of entry.line.histograms)
        histogram.run(runId, entry.line.step, h.branch, h.lo, h.hi, JSON.stringify(h.bins), h.mean, h.count);
    }
  })();
}

/** The imported series' extent: last metric step and the number of metric and histogram steps. */
export function runSeriesExtent(
  db: LabDatabase,
  runId: number,
): { lastStep: number; metricSteps: number; histogramSteps: number } {
  const m = sql(db, 'SELECT MAX(step) AS last, COUNT(DISTINCT step) AS steps FROM run_metrics WHERE run_id = ?').get(
    runId,
  ) as { last: number | null; steps: number };
  const h = sql(db, 'SELECT COUNT(DISTINCT step) AS steps FROM run_histograms WHERE run_id = ?').get(runId) as {
    steps: number;
  };
  return { lastStep: m.last ?? 0, metricSteps: m.steps, histogramSteps: h.steps };
}

/** The metrics recorded for one step of a run, by name (a run's live progress as last imported). */
export function runStepMetrics(db: LabDatabase, runId: number, step: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of sql(db, 'SELECT name, value FROM run_metrics WHERE run_id = ? AND step = ?').all(runId, step) as {
    name: string;
    value: number | null;
  }[])
    if (row.value !== null) out[row.name] = row.value;
  return out;
}
