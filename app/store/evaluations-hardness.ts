import type { LabDatabase } from './db.js';
import { ensureEvaluationTables } from './evaluations-tables.js';
import { sql } from './statements.js';

// Per-image hardness an evaluation measured (cosine of each image to its identity's mean embedding,
// low = hard): read back whole for the model-based split rule, or hardest first a page at a time.

export interface ImageHardnessRecord {
  imageId: number;
  /** NaN where undefined (e.g. an all-zero embedding). */
  hardness: number;
  side: 0 | 1 | null;
}

/** Every image's hardness in an evaluation, by image id. */
export function imageHardness(db: LabDatabase, evaluationId: number): Map<number, number> {
  ensureEvaluationTables(db);
  const out = new Map<number, number>();
  for (const r of sql<[number, number | null]>(
    db,
    'SELECT image_id, hardness FROM image_hardness WHERE evaluation_id = ?',
  )
    .raw(true)
    .iterate(evaluationId)) {
    out.set(r[0], r[1] ?? Number.NaN);
  }
  return out;
}

/** Hardest first (undefined values last), optionally one side only. */
export function listImageHardness(
  db: LabDatabase,
  evaluationId: number,
  options: { side?: 0 | 1; offset?: number; limit?: number } = {},
): { total: number; items: ImageHardnessRecord[] } {
  ensureEvaluationTables(db);
  const where = options.side === undefined ? 'WHERE evaluation_id = ?' : 'WHERE evaluation_id = ? AND side = ?';
  const params: number[] = options.side === undefined ? [evaluationId] : [evaluationId, options.side];
  const total = sql<{ n: number }>(db, `SELECT count(*) AS n FROM image_hardness ${where}`).get(...params)!.n;
  const items = sql<{ imageId: number; hardness: number | null; side: 0 | 1 | null }>(
    db,
    `SELECT image_id AS imageId, hardness, side FROM image_hardness ${where} ORDER BY hardness IS NULL, hardness, image_id LIMIT ? OFFSET ?`,
  )
    .all(...params, options.limit ?? 100, options.offset ?? 0)
    .map((r) => ({ imageId: r.imageId, hardness: r.hardness ?? Number.NaN, side: r.side }));
  return { total, items };
}

/**
 * The evaluation whose hardness describes `datasetId` (at `datasetRevision`) under the run's
 * checkpoint at `checkpointStep`: plain embeddings preferred over flip-test ones (what a split
 * rule computed on the fly would use), then the newest. Undefined when there is none.
 */
export function findHardnessEvaluation(
  db: LabDatabase,
  target: { runId: number; datasetId: number; checkpointStep: number; datasetRevision: number },
): number | undefined {
  ensureEvaluationTables(db);
  const row = sql<{ id: number }>(
    db,
    `SELECT id FROM evaluations
    WHERE dataset_id = ? AND run_id = ? AND checkpoint_step = ? AND dataset_revision = ? AND status = 'completed' AND hardness_summary IS NOT NULL
    ORDER BY flip_test, id DESC LIMIT 1`,
  ).get(target.datasetId, target.runId, target.checkpointStep, target.datasetRevision);
  return row?.id;
}
