// Getting results out of the lab: a run's metric series (CSV, JSON), its TensorBoard event file and
// an evaluation's per-pair scores. Pure functions over the store; the callers write the files.
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
