import type { LabDatabase } from './db.js';
import { ensureEvaluationTables } from './evaluations-tables.js';
import type { RunStatus } from './runs-repository.js';
import { nowIso, sql } from './statements.js';

// What hangs off a dataset (so a removal can say what goes with it), and the end of an import
// nobody will finish.

export interface DatasetDependents {
  images: number;
  splits: number;
  pairLists: number;
  /** The dataset's runs, oldest first. */
  runs: Array<{ id: number; status: RunStatus }>;
  /** Evaluations that go with the dataset: of its runs, and of any run on its pair lists. */
  evaluations: number;
}

export function datasetDependents(db: LabDatabase, datasetId: number): DatasetDependents {
  ensureEvaluationTables(db);
  const count = (text: string, ...args: number[]) => sql<{ n: number }>(db, text).get(...args)!.n;
  return {
    images: count('SELECT COUNT(*) AS n FROM images WHERE dataset_id = ?', datasetId),
    splits: count('SELECT COUNT(*) AS n FROM splits WHERE dataset_id = ?', datasetId),
    pairLists: count('SELECT COUNT(*) AS n FROM pair_lists WHERE dataset_id = ?', datasetId),
    runs: sql<{ id: number; status: RunStatus }>(
      db,
      'SELECT id, status FROM runs WHERE dataset_id = ? ORDER BY id',
    ).all(datasetId),
    evaluations: count(
      'SELECT COUNT(*) AS n FROM evaluations WHERE dataset_id = ? OR run_id IN (SELECT id FROM runs WHERE dataset_id = ?)',
      datasetId,
      datasetId,
    ),
  };
}

/** An `importing` dataset whose importer is gone becomes `failed` with `error`; false when it was not importing any more. */
export function markImportInterrupted(db: LabDatabase, datasetId: number, error: string): boolean {
  return (
    sql(
      db,
      `UPDATE datasets SET status = 'failed', error = ?, revision = revision + 1, updated_at = ?
      WHERE id = ? AND status = 'importing'`,
    ).run(error, nowIso(), datasetId).changes > 0
  );
}
