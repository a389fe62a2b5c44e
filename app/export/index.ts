// Getting results out of the lab: a run's metric series (CSV, JSON), its TensorBoard event file and
// embeddings (CSV, .npy); an evaluation's report (JSON, per-type metrics CSV), per-pair scores and
// failures. Pure functions over the store; the callers write the files.
export { runSeriesCsv, runSeriesCsvHeader } from './run-series-csv.js';
export { runJson, runJsonFormat, runJsonVersion, type RunJson } from './run-json.js';
export {
  encodeEvent,
  histogramTagPrefix,
  histogramValue,
  tensorboardEvents,
  type HistogramValue,
  type ScalarValue,
  type TensorboardEvent,
  type TensorboardFile,
} from './tensorboard-events.js';
export { pairScoresCsv, type PairScoresInput } from './pair-scores-csv.js';
export { crc32c, maskedCrc32c, tfRecord } from './tfrecord.js';
export {
  evaluationJson,
  evaluationJsonFormat,
  evaluationJsonVersion,
  storedEvaluation,
  type EvaluationJson,
} from './evaluation-json.js';
export { evaluationMetricsCsv, tarColumn } from './evaluation-metrics-csv.js';
export { failuresCsv } from './failures-csv.js';
export { encodeNpyFloat32, npyHeader } from './npy.js';
export {
  embeddingRowsCsv,
  embeddingsCsv,
  embeddingsCsvLines,
  embeddingsNpy,
  npyRowsFile,
  runEmbeddings,
  type RunEmbeddings,
  type RunEmbeddingsRequest,
} from './run-embeddings.js';
export { writeFileWhole } from './whole-file.js';
export {
  computeExport,
  parseComputedExportRequest,
  type ComputedExportRequest,
  type ComputedFile,
} from './computed-export.js';
export { runExportProcess, type ExportProcessOptions } from './export-process.js';
export { benchmarkCells, listBenchmarks, type BenchmarkCellRecord, type BenchmarkRecord } from './benchmark-table.js';
export {
  comparisonCsv,
  compareRuns,
  RunComparisonError,
  type ComparedRun,
  type ComparisonLineRecord,
  type RunComparison,
} from './run-comparison.js';
