// Evaluating a run's checkpoint: embeddings (batched, inference mode, optional flip-test), cosine
// scores, every app/eval metric with failures and per-image hardness, stored in SQLite (migration 3).
export {
  embedDataset,
  embedWithBackbone,
  pairImageIds,
  type EmbedOptions,
  type ImageEmbeddings,
} from './embed-images.js';
export { pairScores } from './pair-scores.js';
export { pairTypesFromSides, sidesFromPairTypes, sidesFromSplit, type ImageSides } from './image-sides.js';
export {
  EvaluationRequestError,
  resolveEvaluationTarget,
  type EvaluationRequestProblem,
  type EvaluationTarget,
} from './evaluation-target.js';
export {
  defaultFailureLimit,
  evaluateEmbeddings,
  type EvaluationInput,
  type EvaluationResult,
} from './evaluate-embeddings.js';
export {
  evaluateRun,
  type EmbedRequest,
  type EvaluateRunOptions,
  type EvaluateRunResult,
  type EvaluationPhase,
} from './evaluate-run.js';
export { embedInWorker, type EmbedProcessOptions } from './embed-process.js';
export { formatEvaluation } from './format-evaluation.js';
export {
  defaultEvaluationGraceMs,
  EvaluationCancelledError,
  evaluationForkLauncher,
  evaluationLogFile,
  runEvaluationProcess,
  runEvaluationWorker,
  type EvaluationProcessOptions,
  type EvaluationWorkerOptions,
} from './evaluation-process.js';
export { completedEvaluation, evaluationScores, type EvaluationScores } from './evaluation-scores.js';
export type { EvaluationWorkerMessage, EvaluationWorkerRequest } from './evaluation-messages.js';
