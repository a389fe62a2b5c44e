// Public surface of app/eval: metrics from scores and labels, identification and hardness from
// embeddings, failure mining, and the score-file reader behind `ddl-lab metrics`.
export type * from './report-types.js';
export { computeVerificationReport, pairSetMetrics } from './verification-report.js';
export {
  resolveVerificationOptions,
  verificationOptionsSchema,
  defaultFarTargets,
  requiredImpostors,
  type VerificationOptionsInput,
} from './verification-options.js';
export { checkPairInput, type LabelArray, type PairInput, type PairTypes, type ScoreArray } from './pair-input.js';
export { ascendingOrder } from './sort-order.js';
export { sortPairs, splitByType, type SortedPairs } from './sorted-pairs.js';
export {
  rocFromSorted,
  areaUnderRoc,
  equalErrorRate,
  operatingPointAtFar,
  thinRoc,
  nextAbove,
  type RocCurve,
  type OperatingPoint,
} from './roc.js';
export { assignFolds, type FoldPlan } from './folds.js';
export { bestThreshold, kFoldAccuracy, type FoldAccuracySummary } from './kfold-accuracy.js';
export {
  scoreDistributions,
  scoreHistograms,
  scoreStats,
  histogramOverlap,
  histogramEdges,
  type HistogramRange,
} from './distributions.js';
export { gapReferenceType, pairTypeGaps } from './pair-type-gaps.js';
export {
  identification,
  probeRanks,
  galleryAndProbes,
  type EmbeddingSet,
  type IdentificationInput,
  type IdentificationOptions,
  type GalleryProbeSplit,
} from './identification.js';
export { cosineToIdentityMean, type HardnessOptions } from './hardness.js';
export { mineFailures, type FailureOptions } from './failures.js';
export { parseScoresCsv, type CsvProblem, type ParsedScores } from './scores-csv.js';
export {
  metricsFromScoresFile,
  type ScoresFileMetrics,
  type ScoresFileResult,
  type ScoresFileOptions,
  type CsvFailurePair,
} from './scores-file-metrics.js';
export { formatVerificationReport, type FormatOptions } from './format-report.js';
export type { EmbeddingRows, IdentityLabels, EmbeddingMatrix } from './embedding-rows.js';
