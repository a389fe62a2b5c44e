import type { LabDatabase } from '../../store/db.js';
import { getEvaluation, type EvaluationRecord } from '../../store/evaluations-repo.js';
import { loadPairs, type PairType } from '../../store/pairs-repo.js';
import { getSplit } from '../../store/splits-repo.js';
import { embedDataset, type ImageEmbeddings } from './embed-images.js';
import { labelling } from './evaluate-run.js';
import { resolveEvaluationTarget } from './evaluation-target.js';
import { pairScores } from './pair-scores.js';

// A stored evaluation's per-pair scores, computed again: scores are not stored (a benchmark's list
// can hold millions of pairs), so an export of them embeds the list's dataset with the same
// checkpoint and flip-test, and labels the pairs as the evaluation did (same split or list types).

export interface EvaluationScores {
  evaluation: EvaluationRecord;
  /** The embeddings the scores come from (every image of the list's dataset). */
  embedded: ImageEmbeddings;
  /** Cosine score of each pair, in pair-list order. */
  scores: Float64Array;
  /** The pair type each pair was measured as, or null when the evaluation had none. */
  pairTypes: Array<PairType | null> | null;
}

export interface EvaluationScoresOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** The evaluation (completed), or an error naming it and saying what to do. */
export function completedEvaluation(db: LabDatabase, evaluationId: number): EvaluationRecord {
  const evaluation = getEvaluation(db, evaluationId);
  if (!evaluation)
    throw new Error(`there is no evaluation ${evaluationId}; "ddl-lab runs show RUN" lists a run's evaluations.`);
  if (evaluation.status !== 'completed')
    throw new Error(`evaluation ${evaluationId} is ${evaluation.status}; only a completed evaluation has scores.`);
  if (evaluation.splitId !== null && !getSplit(db, evaluation.splitId))
    throw new Error(
      `evaluation ${evaluationId} took its easy/hard sides from split ${evaluation.splitId}, which has been deleted since; its pair types cannot be given again. Evaluate the run anew.`,
    );
  return evaluation;
}

export async function evaluationScores(
  db: LabDatabase,
  dataDir: string,
  evaluationId: number,
  options: EvaluationScoresOptions = {},
): Promise<EvaluationScores> {
  const evaluation = completedEvaluation(db, evaluationId);
  const target = resolveEvaluationTarget(db, {
    dataDir,
    runId: evaluation.runId,
    pairListId: evaluation.pairListId,
    checkpointStep: evaluation.checkpointStep,
  });
  const pairs = loadPairs(db, target.pairList.id);
  const labels = labelling(db, target, pairs, evaluation.splitId ?? undefined);
  const embedded = await embedDataset(db, dataDir, target.pairList.datasetId, target.backboneDir, {
    flipTest: evaluation.flipTest,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  options.signal?.throwIfAborted();
  return {
    evaluation,
    embedded,
    scores: pairScores(embedded, pairs.image1Ids, pairs.image2Ids),
    pairTypes: labels.types,
  };
}
