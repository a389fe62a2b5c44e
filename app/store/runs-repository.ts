import type { RunStatus } from '../vocabulary/index.js';
import type { LabDatabase } from './db.js';
import { sql } from './statements.js';

// The `runs` table: one row per training run, its config, status and timings (docs/architecture.md#a-run).
// Status changes are compare-and-set (`from` lists the statuses allowed before), so the run
// process and its supervisor can never overwrite each other's final word.

export { runStatuses, type RunStatus } from '../vocabulary/index.js';

/** Statuses after which no process works on the run any more. */
export const finishedStatuses: readonly RunStatus[] = ['completed', 'cancelled', 'failed', 'interrupted'];
/** Statuses `resume` accepts: the run stopped before its last step and has checkpoints to go on from. */
export const resumableStatuses: readonly RunStatus[] = ['interrupted', 'cancelled', 'failed'];

export interface RunRecord {
  id: number;
  name: string;
  datasetId: number;
  splitId: number;
  stage: 1 | 2;
  parentRunId: number | null;
  /** The validated run config as stored (JSON); app/train parses it with its schema. */
  config: unknown;
  status: RunStatus;
  /** tfjs backend the run process used, as its one-line detail (e.g. "wasm (SIMD, …)", on webgpu with the adapter); null until it starts. */
  backend: string | null;
  seed: number;
  totalSteps: number;
  /** Last step whose metrics are recorded. */
  lastStep: number;
  /** Process working on the run while it is `running`. */
  pid: number | null;
  cancelRequestedAt: string | null;
  /** How many times a process started on the run (1 + resumes). */
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

interface RunRow {
  id: number;
  name: string;
  dataset_id: number;
  split_id: number;
  stage: number;
  parent_run_id: number | null;
  config: string;
  status: RunStatus;
  backend: string | null;
  seed: number;
  total_steps: number;
  last_step: number;
  pid: number | null;
  cancel_requested_at: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

function toRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    name: row.name,
    datasetId: row.dataset_id,
    splitId: row.split_id,
    stage: row.stage === 2 ? 2 : 1,
    parentRunId: row.parent_run_id,
    config: JSON.parse(row.config) as unknown,
    status: row.status,
    backend: row.backend,
    seed: row.seed,
    totalSteps: row.total_steps,
    lastStep: row.last_step,
    pid: row.pid,
    cancelRequestedAt: row.cancel_requested_at,
    attempts: row.attempts,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

const now = () => new Date().toISOString();

export interface NewRun {
  name?: string;
  datasetId: number;
  splitId: number;
  stage: 1 | 2;
  parentRunId?: number | null;
  config: unknown;
  seed: number;
  totalSteps: number;
}

export function insertRun(db: LabDatabase, run: NewRun): RunRecord {
  const info = sql(
    db,
    `
    INSERT INTO runs (name, dataset_id, split_id, stage, parent_run_id, config, status, seed, total_steps, created_at)
    VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
  `,
  ).run(
    run.name ?? '',
    run.datasetId,
    run.splitId,
    run.stage,
    run.parentRunId ?? null,
    JSON.stringify(run.config),
    run.seed,
    run.totalSteps,
    now(),
  );
  return getRunRecord(db, Number(info.lastInsertRowid)) as RunRecord;
}

export function getRunRecord(db: LabDatabase, id: number): RunRecord | undefined {
  const row = sql(db, 'SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  return row ? toRecord(row) : undefined;
}

export interface RunFilter {
  datasetId?: number;
  status?: RunStatus[];
  stage?: 1 | 2;
  parentRunId?: number;
  offset?: number;
  limit?: number;
}

function where(filter: RunFilter): { clause: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.datasetId !== undefined) {
    clauses.push('dataset_id = ?');
    params.push(filter.datasetId);
  }
  if (filter.stage !== undefined) {
    clauses.push('stage = ?');
    params.push(filter.stage);
  }
  if (filter.parentRunId !== undefined) {
    clauses.push('parent_run_id = ?');
    params.push(filter.parentRunId);
  }
  if (filter.status && filter.status.length > 0) {
    clauses.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
    params.push(...filter.status);
  }
  return { clause: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** Newest first. */
export function listRunRecords(db: LabDatabase, filter: RunFilter = {}): RunRecord[] {
  const { clause, params } = where(filter);
  const rows = sql(db, `SELECT * FROM runs ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`).all(
    ...params,
    filter.limit ?? -1,
    filter.offset ?? 0,
  ) as RunRow[];
  return rows.map(toRecord);
}

export function countRuns(db: LabDatabase, filter: RunFilter = {}): number {
  const { clause, params } = where(filter);
  return (sql(db, `SELECT COUNT(*) AS n FROM runs ${clause}`).get(...params) as { n: number }).n;
}

/** A process took the run: `running`, with its pid and backend. False if the run was not in one of `from`. */
export function markRunStarted(
  db: LabDatabase,
  id: number,
  started: { pid: number; backend: string },
  from: readonly RunStatus[] = ['queued'],
): boolean {
  const info = sql(
    db,
    `
    UPDATE runs SET status = 'running', pid = ?, backend = ?, attempts = attempts + 1,
      started_at = COALESCE(started_at, ?), finished_at = NULL, error = NULL
    WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})
  `,
  ).run(started.pid, started.backend, now(), id, ...from);
  return info.changes === 1;
}

/** Final word on a run; only applies while the run is in one of `from` (default: queued or running). */
export function finishRun(
  db: LabDatabase,
  id: number,
  status: RunStatus,
  error: string | null = null,
  from: readonly RunStatus[] = ['queued', 'running'],
): boolean {
  const info = sql(
    db,
    `
    UPDATE runs SET status = ?, error = ?, pid = NULL, finished_at = ?
    WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})
  `,
  ).run(status, error, now(), id, ...from);
  return info.changes === 1;
}

/** Back to `queued` for a resume; clears the error and any old cancel request. */
export function requeueRun(db: LabDatabase, id: number, from: readonly RunStatus[] = resumableStatuses): boolean {
  const info = sql(
    db,
    `
    UPDATE runs SET status = 'queued', error = NULL, cancel_requested_at = NULL, finished_at = NULL, pid = NULL
    WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})
  `,
  ).run(id, ...from);
  return info.changes === 1;
}

/** Asks the run's process (from any process) to stop after its current step; it polls this flag. */
export function requestRunCancel(db: LabDatabase, id: number): boolean {
  const info = sql(
    db,
    "UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, ?) WHERE id = ? AND status IN ('queued', 'running')",
  ).run(now(), id);
  return info.changes === 1;
}

export function isCancelRequested(db: LabDatabase, id: number): boolean {
  const row = sql(db, 'SELECT cancel_requested_at AS at FROM runs WHERE id = ?').get(id) as
    { at: string | null } | undefined;
  return row?.at != null;
}

export function renameRun(db: LabDatabase, id: number, name: string): void {
  sql(db, 'UPDATE runs SET name = ? WHERE id = ?').run(name, id);
}

/** Deletes the run's rows (metrics, histograms, checkpoints cascade); its files are the caller's. */
export function deleteRunRecord(db: LabDatabase, id: number): void {
  sql(db, 'DELETE FROM runs WHERE id = ?').run(id);
}
