import type { ExperimentArm, ExperimentStatus } from '../vocabulary/index.js';
import type { LabDatabase } from './db.js';
import { nowIso, sql } from './statements.js';

// The `experiments` and `experiment_runs` tables (migration 006). Status changes are
// compare-and-set like runs', so two runners never both take an experiment.

export interface ExperimentRecord {
  id: number;
  name: string;
  /** The experiment file as parsed (JSON); app/experiments parses it with its schema. */
  spec: unknown;
  status: ExperimentStatus;
  /** The datasets it trains and evaluates on, once made (JSON, see app/experiments). */
  data: unknown;
  runnerPid: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface ExperimentCell {
  experimentId: number;
  seed: number;
  /** The variant's name; '' for the seed's stage 1, which every variant shares. */
  variant: string;
  arm: ExperimentArm;
  runId: number | null;
  evaluationId: number | null;
}

interface ExperimentRow {
  id: number;
  name: string;
  spec: string;
  status: ExperimentStatus;
  data: string | null;
  runner_pid: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

const toRecord = (r: ExperimentRow): ExperimentRecord => ({
  id: r.id,
  name: r.name,
  spec: JSON.parse(r.spec) as unknown,
  status: r.status,
  data: r.data === null ? null : (JSON.parse(r.data) as unknown),
  runnerPid: r.runner_pid,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  error: r.error,
});

export function insertExperiment(db: LabDatabase, name: string, spec: unknown): ExperimentRecord {
  const row = sql<ExperimentRow>(
    db,
    `INSERT INTO experiments (name, spec, status, created_at) VALUES (?, ?, 'queued', ?) RETURNING *`,
  ).get(name, JSON.stringify(spec), nowIso())!;
  return toRecord(row);
}

export function getExperiment(db: LabDatabase, id: number): ExperimentRecord | undefined {
  const row = sql<ExperimentRow>(db, 'SELECT * FROM experiments WHERE id = ?').get(id);
  return row ? toRecord(row) : undefined;
}

export function listExperiments(db: LabDatabase): ExperimentRecord[] {
  return sql<ExperimentRow>(db, 'SELECT * FROM experiments ORDER BY id').all().map(toRecord);
}

/** Takes the experiment for this runner if its status is one of `from`; false when another took it meanwhile. */
export function claimExperiment(db: LabDatabase, id: number, pid: number, from: readonly ExperimentStatus[]): boolean {
  const marks = from.map(() => '?').join(', ');
  return (
    db
      .prepare(
        `UPDATE experiments SET status = 'running', runner_pid = ?, started_at = COALESCE(started_at, ?),
           finished_at = NULL, error = NULL WHERE id = ? AND status IN (${marks})`,
      )
      .run(pid, nowIso(), id, ...from).changes === 1
  );
}

export function finishExperiment(
  db: LabDatabase,
  id: number,
  status: Exclude<ExperimentStatus, 'queued' | 'running'>,
  error: string | null,
): void {
  sql(
    db,
    `UPDATE experiments SET status = ?, error = ?, finished_at = ?, runner_pid = NULL WHERE id = ? AND status = 'running'`,
  ).run(status, error, nowIso(), id);
}

/** A stopped experiment back to `queued` (app shutdown: the next start picks it up). */
export function requeueExperiment(db: LabDatabase, id: number): boolean {
  return (
    sql(db, `UPDATE experiments SET status = 'queued' WHERE id = ? AND status IN ('interrupted', 'running')`).run(id)
      .changes === 1
  );
}

export function setExperimentData(db: LabDatabase, id: number, data: unknown): void {
  sql(db, 'UPDATE experiments SET data = ? WHERE id = ?').run(JSON.stringify(data), id);
}

export function deleteExperiment(db: LabDatabase, id: number): void {
  sql(db, 'DELETE FROM experiments WHERE id = ?').run(id);
}

interface CellRow {
  experiment_id: number;
  seed: number;
  variant: string;
  arm: ExperimentArm;
  run_id: number | null;
  evaluation_id: number | null;
}

const toCell = (r: CellRow): ExperimentCell => ({
  experimentId: r.experiment_id,
  seed: r.seed,
  variant: r.variant,
  arm: r.arm,
  runId: r.run_id,
  evaluationId: r.evaluation_id,
});

export function listExperimentCells(db: LabDatabase, experimentId: number): ExperimentCell[] {
  return sql<CellRow>(db, 'SELECT * FROM experiment_runs WHERE experiment_id = ? ORDER BY seed, variant, arm')
    .all(experimentId)
    .map(toCell);
}

export function getExperimentCell(
  db: LabDatabase,
  key: Pick<ExperimentCell, 'experimentId' | 'seed' | 'variant' | 'arm'>,
): ExperimentCell | undefined {
  const row = sql<CellRow>(
    db,
    'SELECT * FROM experiment_runs WHERE experiment_id = ? AND seed = ? AND variant = ? AND arm = ?',
  ).get(key.experimentId, key.seed, key.variant, key.arm);
  return row ? toCell(row) : undefined;
}

/** Records the cell's run (and forgets an evaluation of an earlier run). */
export function setCellRun(db: LabDatabase, cell: Omit<ExperimentCell, 'runId' | 'evaluationId'>, runId: number): void {
  sql(
    db,
    `INSERT INTO experiment_runs (experiment_id, seed, variant, arm, run_id) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (experiment_id, seed, variant, arm) DO UPDATE SET run_id = excluded.run_id, evaluation_id = NULL`,
  ).run(cell.experimentId, cell.seed, cell.variant, cell.arm, runId);
}

export function setCellEvaluation(
  db: LabDatabase,
  cell: Omit<ExperimentCell, 'runId' | 'evaluationId'>,
  evaluationId: number,
): void {
  sql(
    db,
    'UPDATE experiment_runs SET evaluation_id = ? WHERE experiment_id = ? AND seed = ? AND variant = ? AND arm = ?',
  ).run(evaluationId, cell.experimentId, cell.seed, cell.variant, cell.arm);
}
