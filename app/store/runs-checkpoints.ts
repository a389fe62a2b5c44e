import type { LabDatabase } from './db.js';
import { sql } from './statements.js';

// Index of a run's checkpoints. A row is written only after its folder was renamed into place,
// so every row points at a complete checkpoint (the folder may still be gone if a user deleted it).

export interface CheckpointRecord {
  runId: number;
  step: number;
  /** Absolute folder of the checkpoint. */
  path: string;
  createdAt: string;
}

interface CheckpointRow {
  run_id: number;
  step: number;
  path: string;
  created_at: string;
}
const toRecord = (r: CheckpointRow): CheckpointRecord => ({
  runId: r.run_id,
  step: r.step,
  path: r.path,
  createdAt: r.created_at,
});

export function insertCheckpoint(db: LabDatabase, runId: number, step: number, path: string): CheckpointRecord {
  const createdAt = new Date().toISOString();
  sql(
    db,
    `
    INSERT INTO run_checkpoints (run_id, step, path, created_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (run_id, step) DO UPDATE SET path = excluded.path, created_at = excluded.created_at
  `,
  ).run(runId, step, path, createdAt);
  return { runId, step, path, createdAt };
}

/** Ascending by step. */
export function listCheckpoints(db: LabDatabase, runId: number): CheckpointRecord[] {
  return (sql(db, 'SELECT * FROM run_checkpoints WHERE run_id = ? ORDER BY step').all(runId) as CheckpointRow[]).map(
    toRecord,
  );
}

export function latestCheckpoint(db: LabDatabase, runId: number): CheckpointRecord | undefined {
  const row = sql(db, 'SELECT * FROM run_checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1').get(runId) as
    CheckpointRow | undefined;
  return row ? toRecord(row) : undefined;
}

export function deleteCheckpointRecord(db: LabDatabase, runId: number, step: number): void {
  sql(db, 'DELETE FROM run_checkpoints WHERE run_id = ? AND step = ?').run(runId, step);
}
