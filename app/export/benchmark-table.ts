import { listDatasets } from '../store/datasets-repo.js';
import type { LabDatabase } from '../store/db.js';
import { ensureEvaluationTables } from '../store/evaluations-tables.js';
import { getEvaluation } from '../store/evaluations-repo.js';
import { listPairLists, type PairListRecord } from '../store/pairs-repo.js';
import { sql } from '../store/statements.js';

// The benchmark table (insightface's LFW / CFP-FP / AgeDB layout): every pair list of every ready
// dataset is a benchmark any run may be evaluated on, and each (run, pair list) cell holds the
// headline numbers of the run's latest completed evaluation on that list.

export interface BenchmarkRecord extends PairListRecord {
  datasetName: string;
}

export interface BenchmarkCellRecord {
  runId: number;
  pairListId: number;
  evaluationId: number;
  checkpointStep: number;
  createdAt: string;
  accuracy: number | null;
  accuracySd: number | null;
  auc: number | null;
  eer: number | null;
  tarAtFar: Array<{ far: number; tar: number | null }>;
  easyHardGap: number | null;
}

/** Every pair list of every ready dataset, by dataset then list id. */
export function listBenchmarks(db: LabDatabase): BenchmarkRecord[] {
  return listDatasets(db)
    .filter((d) => d.status === 'ready')
    .sort((a, b) => a.id - b.id)
    .flatMap((d) => listPairLists(db, d.id).map((list) => ({ ...list, datasetName: d.name })));
}

/** The latest completed evaluation of each (run, pair list), for the given runs (all when omitted). */
export function benchmarkCells(db: LabDatabase, runIds?: readonly number[]): BenchmarkCellRecord[] {
  ensureEvaluationTables(db);
  const latest = sql<{ id: number; run_id: number }>(
    db,
    `SELECT MAX(id) AS id, run_id FROM evaluations WHERE status = 'completed'
     GROUP BY run_id, pair_list_id ORDER BY run_id, pair_list_id`,
  ).all();
  const wanted = runIds ? new Set(runIds) : undefined;
  const cells: BenchmarkCellRecord[] = [];
  for (const row of latest) {
    if (wanted && !wanted.has(row.run_id)) continue;
    const evaluation = getEvaluation(db, row.id);
    if (!evaluation) continue;
    const overall = evaluation.report.overall;
    cells.push({
      runId: evaluation.runId,
      pairListId: evaluation.pairListId,
      evaluationId: evaluation.id,
      checkpointStep: evaluation.checkpointStep,
      createdAt: evaluation.createdAt,
      accuracy: overall.accuracy?.mean ?? null,
      accuracySd: overall.accuracy?.sd ?? null,
      auc: overall.auc,
      eer: overall.eer?.rate ?? null,
      tarAtFar: overall.tarAtFar.map((t) => ({ far: t.far, tar: t.tar })),
      easyHardGap: evaluation.easyHardGap,
    });
  }
  return cells;
}
