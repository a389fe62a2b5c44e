import type { LabDatabase } from './db.js';
import { sql } from './statements.js';

/**
 * Takes a run back to `step`, the checkpoint it resumes from: the metric, histogram and
 * checkpoint rows after it came from an attempt that ended without them being kept (killed,
 * or a checkpoint that no longer loads), so they are no longer part of the run; the run's
 * `last_step` becomes `step`. A resume replays those steps; one that stops before its next
 * checkpoint then shows only what it actually has. Returns the steps of the checkpoint rows dropped.
 */
export function rewindRun(db: LabDatabase, runId: number, step: number): number[] {
  return db.transaction(() => {
    const dropped = (
      sql(db, 'SELECT step FROM run_checkpoints WHERE run_id = ? AND step > ? ORDER BY step').all(runId, step) as {
        step: number;
      }[]
    ).map((r) => r.step);
    sql(db, 'DELETE FROM run_checkpoints WHERE run_id = ? AND step > ?').run(runId, step);
    sql(db, 'DELETE FROM run_metrics WHERE run_id = ? AND step > ?').run(runId, step);
    sql(db, 'DELETE FROM run_histograms WHERE run_id = ? AND step > ?').run(runId, step);
    sql(db, 'UPDATE runs SET last_step = ? WHERE id = ?').run(step, runId);
    return dropped;
  })();
}
