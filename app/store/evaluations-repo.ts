import type {
  FailureCounts,
  FailureThresholdSource,
  IdentificationReport,
  VerificationReport,
} from '../eval/report-types.js';
import type { EvaluationStatus, FailureKind } from '../vocabulary/index.js';
import type { LabDatabase } from './db.js';
import { ensureEvaluationTables } from './evaluations-tables.js';
import { nowIso, sql } from './statements.js';

// The `evaluations` table (migration 3): one row per evaluation of a run's checkpoint on a pair
// list, written with its failures and per-image hardness in one transaction, so a reader never
// sees an evaluation without them.

export type { EvaluationStatus, FailureKind } from '../vocabulary/index.js';
/** Where the pair types came from: the pair list itself, the run's split, or nowhere (untyped). */
export type PairTypesSource = 'list' | 'split' | 'none';
/** Where each image's easy/hard side came from (identification, hardness by side). */
export type SidesSource = 'split' | 'pair-types' | 'none';

export interface SideHardness {
  images: number;
  /** Mean cosine to the identity's mean embedding (NaN values left out); null when none. */
  mean: number | null;
}

/** Per-image hardness in brief: all images, and by side when sides are known. */
export interface HardnessSummary {
  images: number;
  mean: number | null;
  easy: SideHardness | null;
  hard: SideHardness | null;
}

export interface NewEvaluation {
  runId: number;
  pairListId: number;
  datasetId: number;
  datasetRevision: number;
  checkpointStep: number;
  flipTest: boolean;
  /** Seconds from start to stored (embedding included). */
  seconds: number | null;
  /** tfjs backend the embeddings were computed on. */
  backend: string | null;
  typesSource: PairTypesSource;
  sidesSource: SidesSource;
  /** The split the pair types or sides came from, if any. */
  splitId: number | null;
  /** Threshold of the mined failures (accept when score >= threshold); null when none could be chosen. */
  threshold: number | null;
  thresholdSource: FailureThresholdSource | null;
  /** Headlines: overall 10-fold accuracy and easy-easy minus easy-hard accuracy. */
  accuracy: number | null;
  easyHardGap: number | null;
  report: VerificationReport;
  identification: IdentificationReport | null;
  /** Failure totals (not limited), all pairs first then each type; null when no threshold. */
  failureCounts: FailureCounts[] | null;
  hardness: HardnessSummary | null;
}

export interface NewFailure {
  kind: FailureKind;
  /** 1 = worst of its kind. */
  rank: number;
  /** Index of the pair in its list. */
  pairIdx: number;
  image1Id: number;
  image2Id: number;
  score: number;
  /** How far the score sits on the wrong side of the threshold (≥ 0). */
  severity: number;
  pairType: string | null;
}

export interface NewImageHardness {
  imageId: number;
  /** Cosine to the identity's mean embedding; NaN is stored as NULL. */
  hardness: number;
  /** 0 easy, 1 hard, null when unknown. */
  side: 0 | 1 | null;
}

export interface EvaluationSummaryRecord extends Omit<
  NewEvaluation,
  'report' | 'identification' | 'failureCounts' | 'hardness'
> {
  id: number;
  status: EvaluationStatus;
  error: string | null;
  createdAt: string;
}

export interface EvaluationRecord extends EvaluationSummaryRecord {
  report: VerificationReport;
  identification: IdentificationReport | null;
  failureCounts: FailureCounts[] | null;
  hardness: HardnessSummary | null;
}

interface SummaryRow {
  id: number;
  run_id: number;
  pair_list_id: number;
  dataset_id: number;
  dataset_revision: number;
  checkpoint_step: number;
  flip_test: number;
  status: EvaluationStatus;
  error: string | null;
  created_at: string;
  seconds: number | null;
  backend: string | null;
  types_source: PairTypesSource;
  sides_source: SidesSource;
  split_id: number | null;
  threshold: number | null;
  threshold_source: string | null;
  accuracy: number | null;
  easy_hard_gap: number | null;
}
interface FullRow extends SummaryRow {
  report: string;
  identification: string | null;
  failure_counts: string | null;
  hardness_summary: string | null;
}

const summaryColumns = `id, run_id, pair_list_id, dataset_id, dataset_revision, checkpoint_step, flip_test, status, error, created_at,
  seconds, backend, types_source, sides_source, split_id, threshold, threshold_source, accuracy, easy_hard_gap`;

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function toSummary(r: SummaryRow): EvaluationSummaryRecord {
  return {
    id: r.id,
    runId: r.run_id,
    pairListId: r.pair_list_id,
    datasetId: r.dataset_id,
    datasetRevision: r.dataset_revision,
    checkpointStep: r.checkpoint_step,
    flipTest: r.flip_test === 1,
    status: r.status,
    error: r.error,
    createdAt: r.created_at,
    seconds: r.seconds,
    backend: r.backend,
    typesSource: r.types_source,
    sidesSource: r.sides_source,
    splitId: r.split_id,
    threshold: r.threshold,
    thresholdSource: parse<FailureThresholdSource>(r.threshold_source),
    accuracy: r.accuracy,
    easyHardGap: r.easy_hard_gap,
  };
}

/** NaN and ±Infinity are not JSON and not meaningful here: stored as NULL. */
const finiteOrNull = (x: number | null): number | null => (x !== null && Number.isFinite(x) ? x : null);

/** Stores a completed evaluation with its failures and per-image hardness; returns its id. */
export function insertEvaluation(
  db: LabDatabase,
  evaluation: NewEvaluation,
  failures: readonly NewFailure[],
  hardness: readonly NewImageHardness[],
): number {
  ensureEvaluationTables(db);
  const e = evaluation;
  return db.transaction(() => {
    const id = Number(
      sql(
        db,
        `INSERT INTO evaluations (run_id, pair_list_id, dataset_id, dataset_revision, checkpoint_step, flip_test, status,
      created_at, seconds, backend, types_source, sides_source, split_id, threshold, threshold_source, accuracy, easy_hard_gap, report,
      identification, failure_counts, hardness_summary) VALUES (?, ?, ?, ?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        e.runId,
        e.pairListId,
        e.datasetId,
        e.datasetRevision,
        e.checkpointStep,
        e.flipTest ? 1 : 0,
        nowIso(),
        e.seconds,
        e.backend,
        e.typesSource,
        e.sidesSource,
        e.splitId,
        finiteOrNull(e.threshold),
        e.thresholdSource ? JSON.stringify(e.thresholdSource) : null,
        finiteOrNull(e.accuracy),
        finiteOrNull(e.easyHardGap),
        JSON.stringify(e.report),
        e.identification ? JSON.stringify(e.identification) : null,
        e.failureCounts ? JSON.stringify(e.failureCounts) : null,
        e.hardness ? JSON.stringify(e.hardness) : null,
      ).lastInsertRowid,
    );
    const insertFailure = sql(
      db,
      `INSERT INTO failures (evaluation_id, kind, rank, pair_idx, image1_id, image2_id, score, severity, pair_type)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const f of failures)
      insertFailure.run(id, f.kind, f.rank, f.pairIdx, f.image1Id, f.image2Id, f.score, f.severity, f.pairType);
    const insertHardness = sql(
      db,
      'INSERT INTO image_hardness (evaluation_id, image_id, hardness, side) VALUES (?, ?, ?, ?)',
    );
    for (const h of hardness)
      insertHardness.run(id, h.imageId, Number.isFinite(h.hardness) ? h.hardness : null, h.side);
    return id;
  })();
}

export function getEvaluation(db: LabDatabase, id: number): EvaluationRecord | undefined {
  ensureEvaluationTables(db);
  const row = sql<FullRow>(db, 'SELECT * FROM evaluations WHERE id = ?').get(id);
  if (!row) return undefined;
  return {
    ...toSummary(row),
    report: JSON.parse(row.report) as VerificationReport,
    identification: parse<IdentificationReport>(row.identification),
    failureCounts: parse<FailureCounts[]>(row.failure_counts),
    hardness: parse<HardnessSummary>(row.hardness_summary),
  };
}

export interface EvaluationFilter {
  runId?: number;
  datasetId?: number;
  pairListId?: number;
}

/** Newest first, without the reports (cheap enough for every table refresh). */
export function listEvaluations(db: LabDatabase, filter: EvaluationFilter = {}): EvaluationSummaryRecord[] {
  ensureEvaluationTables(db);
  const clauses: string[] = [];
  const params: number[] = [];
  if (filter.runId !== undefined) {
    clauses.push('run_id = ?');
    params.push(filter.runId);
  }
  if (filter.datasetId !== undefined) {
    clauses.push('dataset_id = ?');
    params.push(filter.datasetId);
  }
  if (filter.pairListId !== undefined) {
    clauses.push('pair_list_id = ?');
    params.push(filter.pairListId);
  }
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  return sql<SummaryRow>(db, `SELECT ${summaryColumns} FROM evaluations ${where} ORDER BY id DESC`)
    .all(...params)
    .map(toSummary);
}

/** Ids of a run's evaluations, newest first. */
export function evaluationIdsOfRun(db: LabDatabase, runId: number): number[] {
  ensureEvaluationTables(db);
  return sql<{ id: number }>(db, 'SELECT id FROM evaluations WHERE run_id = ? ORDER BY id DESC')
    .all(runId)
    .map((r) => r.id);
}

/** Deletes an evaluation with its failures and hardness; false when there was none. */
export function deleteEvaluation(db: LabDatabase, id: number): boolean {
  ensureEvaluationTables(db);
  return sql(db, 'DELETE FROM evaluations WHERE id = ?').run(id).changes === 1;
}
