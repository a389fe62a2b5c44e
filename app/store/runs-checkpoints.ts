import { join, posix } from 'node:path';
import type { LabDatabase } from './db.js';
import { sql } from './statements.js';

// Index of a run's checkpoints. A row is written only after its folder was renamed into place,
// so every row points at a complete checkpoint (the folder may still be gone if a user deleted it).
//
// A checkpoint's folder is derived from the data dir in use, the run id and the step
// (`<dataDir>/runs/<runId>/checkpoints/step-000100`), never read from the row: a lab folder that
// was copied or moved must use (and prune) its own files, not the ones of the folder it came from.
// The `path` column keeps the folder relative to the data dir for new rows; labs written before
// hold absolute paths there, which nothing reads any more.

export interface CheckpointRecord {
  runId: number;
  step: number;
  createdAt: string;
}

interface CheckpointRow {
  run_id: number;
  step: number;
  created_at: string;
}
const toRecord = (r: CheckpointRow): CheckpointRecord => ({
  runId: r.run_id,
  step: r.step,
  createdAt: r.created_at,
});

/** A run's own folder (checkpoints, worker log): `<dataDir>/runs/<runId>`. */
export function runFolder(dataDir: string, runId: number): string {
  return join(dataDir, 'runs', String(runId));
}

/** `step-000100`: the name of a checkpoint's folder under `<run folder>/checkpoints/`. */
export function checkpointFolderName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/** The one way to find a checkpoint's files: its folder in the data dir in use (which may not exist). */
export function checkpointFolder(dataDir: string, checkpoint: { runId: number; step: number }): string {
  return join(runFolder(dataDir, checkpoint.runId), 'checkpoints', checkpointFolderName(checkpoint.step));
}

export function insertCheckpoint(db: LabDatabase, runId: number, step: number): CheckpointRecord {
  const createdAt = new Date().toISOString();
  const relativePath = posix.join('runs', String(runId), 'checkpoints', checkpointFolderName(step));
  sql(
    db,
    `
    INSERT INTO run_checkpoints (run_id, step, path, created_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (run_id, step) DO UPDATE SET path = excluded.path, created_at = excluded.created_at
  `,
  ).run(runId, step, relativePath, createdAt);
  return { runId, step, createdAt };
}

/** Ascending by step. */
export function listCheckpoints(db: LabDatabase, runId: number): CheckpointRecord[] {
  return (
    sql(db, 'SELECT run_id, step, created_at FROM run_checkpoints WHERE run_id = ? ORDER BY step').all(
      runId,
    ) as CheckpointRow[]
  ).map(toRecord);
}

export function latestCheckpoint(db: LabDatabase, runId: number): CheckpointRecord | undefined {
  const row = sql(
    db,
    'SELECT run_id, step, created_at FROM run_checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1',
  ).get(runId) as CheckpointRow | undefined;
  return row ? toRecord(row) : undefined;
}

export function deleteCheckpointRecord(db: LabDatabase, runId: number, step: number): void {
  sql(db, 'DELETE FROM run_checkpoints WHERE run_id = ? AND step = ?').run(runId, step);
}
