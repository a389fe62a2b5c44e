import { initBackend } from '../../engine/backend.js';
import { getDataset } from '../../store/datasets-repo.js';
import type { LabDatabase } from '../../store/db.js';
import {
  getEvaluation,
  insertEvaluation,
  type EvaluationRecord,
  type PairTypesSource,
  type SidesSource,
} from '../../store/evaluations-repo.js';
import { loadPairs, type PairType } from '../../store/pairs-repo.js';
import { getSplit, splitMembers } from '../../store/splits-repo.js';
import type { FailureReport } from '../report-types.js';
import type { VerificationOptionsInput } from '../verification-options.js';
import { embedDataset, type ImageEmbeddings } from './embed-images.js';
import { evaluateEmbeddings } from './evaluate-embeddings.js';
import { EvaluationRequestError, resolveEvaluationTarget, type EvaluationTarget } from './evaluation-target.js';
import { pairTypesFromSides, sidesFromPairTypes, sidesFromSplit, type ImageSides } from './image-sides.js';

// One evaluation end to end: resolve the run's checkpoint and the pair list, embed the list's
// dataset (every image: identification and hardness need them all), measure (evaluate-embeddings),
// and store the evaluation with its failures and per-image hardness in one transaction.

export type EvaluationPhase = 'embedding' | 'scoring' | 'storing';

/** What the embedding step is asked for; a caller with a cache (the LabApi service) answers it itself. */
export interface EmbedRequest {
  target: EvaluationTarget;
  datasetId: number;
  flipTest: boolean;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress: (done: number, total: number) => void;
}

export interface EvaluateRunOptions {
  db: LabDatabase;
  dataDir: string;
  runId: number;
  pairListId: number;
  /** Score each image as the sum of its and its mirror's embeddings (default false). */
  flipTest?: boolean;
  /** Checkpoint to evaluate (default: the run's latest). */
  checkpointStep?: number;
  /** Failure threshold (accept when score >= threshold); default: FAR `far` on all pairs. */
  threshold?: number;
  /** FAR choosing the default failure threshold (default 1e-2). */
  far?: number;
  /** Failures kept per kind and pair type (default 1000). */
  failureLimit?: number;
  /** Easy/hard sides from this split (of the pair list's dataset) instead of the run's split or the pair types. */
  splitId?: number;
  batchSize?: number;
  verification?: VerificationOptionsInput;
  embed?: (request: EmbedRequest) => Promise<ImageEmbeddings>;
  onProgress?: (phase: EvaluationPhase, done: number, total: number | null) => void;
  signal?: AbortSignal;
}

export interface EvaluateRunResult {
  evaluation: EvaluationRecord;
  /** The mined failures as app/eval reports them (pair = index in the list); null when there was no threshold. */
  failures: FailureReport | null;
  /** Why there are no failures, when there are none to mine. */
  failureNote: string | null;
  /** Cosine score of each pair, in pair-list order (what per-pair score exports write). */
  scores: Float64Array;
  /** The pair type each pair was measured as, or null when the evaluation had no types. */
  pairTypes: Array<PairType | null> | null;
}

const defaultEmbed = (dataDir: string, db: LabDatabase) => (request: EmbedRequest) =>
  embedDataset(db, dataDir, request.datasetId, request.target.backboneDir, {
    flipTest: request.flipTest,
    batchSize: request.batchSize,
    signal: request.signal,
    onProgress: request.onProgress,
  });

export interface Labelling {
  types: Array<PairType | null> | null;
  typesSource: PairTypesSource;
  sides: ImageSides | null;
  sidesSource: SidesSource;
  splitId: number | null;
}

/** Pair types and image sides: the list's own types, the run's split (same dataset) or a given split, else the types read back. */
export function labelling(
  db: LabDatabase,
  target: EvaluationTarget,
  pairs: ReturnType<typeof loadPairs>,
  splitId: number | undefined,
): Labelling {
  const datasetId = target.pairList.datasetId;
  let split = splitId === undefined ? undefined : getSplit(db, splitId);
  if (splitId !== undefined && (!split || split.datasetId !== datasetId)) {
    throw new EvaluationRequestError(
      `split ${splitId} is not a split of dataset ${datasetId} (the pair list's); "ddl-lab split list" shows the splits there are.`,
      'unknown-split',
      'splitId',
    );
  }
  if (!split && datasetId === target.run.datasetId) split = getSplit(db, target.run.splitId); // may be gone: runs keep no FK to splits
  const listTyped = pairs.types.some((t) => t !== null);
  if (split) {
    const sides = sidesFromSplit(splitMembers(db, split.id));
    return listTyped
      ? { types: pairs.types, typesSource: 'list', sides, sidesSource: 'split', splitId: split.id }
      : {
          types: pairTypesFromSides(pairs, sides),
          typesSource: 'split',
          sides,
          sidesSource: 'split',
          splitId: split.id,
        };
  }
  if (listTyped)
    return {
      types: pairs.types,
      typesSource: 'list',
      sides: sidesFromPairTypes(pairs),
      sidesSource: 'pair-types',
      splitId: null,
    };
  return { types: null, typesSource: 'none', sides: null, sidesSource: 'none', splitId: null };
}

export async function evaluateRun(options: EvaluateRunOptions): Promise<EvaluateRunResult> {
  const started = performance.now();
  const { db, dataDir, signal } = options;
  const target = resolveEvaluationTarget(db, options);
  if (options.threshold !== undefined && !Number.isFinite(options.threshold))
    throw new Error(`threshold is ${options.threshold}; use a finite number (cosine, e.g. 0.3).`);
  const pairs = loadPairs(db, target.pairList.id);
  if (pairs.same.length === 0)
    throw new Error(`pair list ${target.pairList.id} ("${target.pairList.name}") has no pairs to evaluate.`);
  const labels = labelling(db, target, pairs, options.splitId);
  const backend = await initBackend();
  const progress = options.onProgress ?? (() => {});
  const embedded = await (options.embed ?? defaultEmbed(dataDir, db))({
    target,
    datasetId: target.pairList.datasetId,
    flipTest: options.flipTest ?? false,
    batchSize: options.batchSize,
    signal,
    onProgress: (done, total) => progress('embedding', done, total),
  });
  signal?.throwIfAborted();
  progress('scoring', 0, null);
  const result = evaluateEmbeddings({
    embedded,
    pairs,
    types: labels.types,
    sides: labels.sides,
    threshold: options.threshold,
    far: options.far,
    failureLimit: options.failureLimit,
    verification: options.verification,
  });
  signal?.throwIfAborted();
  progress('storing', 0, null);
  // Read after embedding: building an image cache bumps the dataset's revision.
  const datasetRevision = getDataset(db, target.pairList.datasetId)?.revision ?? 0;
  const id = insertEvaluation(
    db,
    {
      runId: target.run.id,
      pairListId: target.pairList.id,
      datasetId: target.pairList.datasetId,
      datasetRevision,
      checkpointStep: target.checkpoint.step,
      flipTest: embedded.flipTest,
      seconds: (performance.now() - started) / 1000,
      backend: backend.detail,
      typesSource: labels.typesSource,
      sidesSource: labels.sidesSource,
      splitId: labels.splitId,
      threshold: result.failures?.threshold ?? null,
      thresholdSource: result.failures?.thresholdSource ?? null,
      accuracy: result.accuracy,
      easyHardGap: result.easyHardGap,
      report: result.report,
      identification: result.identification,
      failureCounts: result.failures?.counts ?? null,
      hardness: result.hardnessSummary,
    },
    result.failureRows,
    result.hardnessRows,
  );
  return {
    evaluation: getEvaluation(db, id)!,
    failures: result.failures,
    failureNote: result.failureNote,
    scores: result.scores,
    pairTypes: labels.types,
  };
}
