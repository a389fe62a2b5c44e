import type { LabDatabase } from '../store/db.js';
import { getEvaluation, type EvaluationRecord } from '../store/evaluations-repo.js';
import { getPairList, type PairListRecord } from '../store/pairs-repo.js';
import { getRunRecord, type RunRecord } from '../store/runs-repository.js';
import type { VerificationOptions } from '../eval/report-types.js';

// An evaluation as one JSON document: the stored evaluation (report, identification, failure
// counts, hardness) with the run it evaluated, the pair list it ran on and the options that shaped
// it gathered in one place, so the file stands on its own.

export const evaluationJsonFormat = 'ddl-lab.evaluation-export';
export const evaluationJsonVersion = 1;

export interface EvaluationJson {
  format: typeof evaluationJsonFormat;
  version: typeof evaluationJsonVersion;
  exportedAt: string;
  evaluation: EvaluationRecord;
  /** Null when the run has been deleted since. */
  run: Omit<RunRecord, 'pid' | 'cancelRequestedAt'> | null;
  /** Null when the pair list has been deleted since. */
  pairList: PairListRecord | null;
  options: {
    checkpointStep: number;
    flipTest: boolean;
    splitId: number | null;
    typesSource: EvaluationRecord['typesSource'];
    sidesSource: EvaluationRecord['sidesSource'];
    threshold: number | null;
    thresholdSource: EvaluationRecord['thresholdSource'];
    verification: VerificationOptions;
  };
}

/** The stored evaluation, or an error naming the id and where to find the ids. */
export function storedEvaluation(db: LabDatabase, evaluationId: number): EvaluationRecord {
  const evaluation = getEvaluation(db, evaluationId);
  if (!evaluation)
    throw new Error(
      `no evaluation ${evaluationId} in this lab; "ddl-lab eval RUN --pairs ID" prints the id of the evaluation it stores.`,
    );
  return evaluation;
}

export function evaluationJson(db: LabDatabase, evaluationId: number, now = new Date()): EvaluationJson {
  const evaluation = storedEvaluation(db, evaluationId);
  const record = getRunRecord(db, evaluation.runId);
  let run: EvaluationJson['run'] = null;
  if (record) {
    const { pid: _pid, cancelRequestedAt: _cancel, ...rest } = record; // process bookkeeping, not results
    run = rest;
  }
  return {
    format: evaluationJsonFormat,
    version: evaluationJsonVersion,
    exportedAt: now.toISOString(),
    evaluation,
    run,
    pairList: getPairList(db, evaluation.pairListId) ?? null,
    options: {
      checkpointStep: evaluation.checkpointStep,
      flipTest: evaluation.flipTest,
      splitId: evaluation.splitId,
      typesSource: evaluation.typesSource,
      sidesSource: evaluation.sidesSource,
      threshold: evaluation.threshold,
      thresholdSource: evaluation.thresholdSource,
      verification: evaluation.report.options,
    },
  };
}
