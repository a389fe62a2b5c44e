// The data layer's public API (app/data/README.md): import, pixel cache, split rules, samplers.
// SynthFaces lives in ./synth (its own index).
export { importDataset, type ImportOptions, type ImportProgress, type ImportResult } from './import-dataset.js';
export { ensureImageCache, type EnsureCacheOptions, type EnsureCacheResult } from './ensure-image-cache.js';
export {
  decodeImage,
  defaultMaxPixels,
  measureSide,
  type DecodedImage,
  type DecodeOptions,
  type ResizeFit,
} from './decode-image.js';
export { ImageFileError, type ImageProblem } from './image-error.js';
export {
  PixelCacheReader,
  readPixelCacheManifest,
  removeDatasetCache,
  datasetCacheDir,
  dataDirOf,
  type PixelCacheManifest,
} from './pixel-cache.js';
export {
  loadDatasetColumns,
  type DatasetColumns,
  type AttributeColumnData,
  type NumericColumn,
  type CategoricalColumn,
} from './dataset-columns.js';
export { measuredAttributeNames, isMeasuredAttribute } from './measured-attributes.js';
export {
  parseSplitDefinition,
  SplitRuleError,
  type SplitDefinition,
  type SplitRuleGroup,
  type SplitCondition,
  type SplitNode,
  type SplitRuleIssue,
} from './split-rule.js';
export { compileSplit, quantile, type SplitScores, type CompiledSplit } from './compile-rule.js';
export {
  evaluateSplit,
  evaluateSplitSides,
  saveSplit,
  loadSplit,
  EASY,
  HARD,
  EXCLUDED,
  type SplitSummary,
  type SplitEvaluation,
  type AttributeSplitCounts,
  type BoundaryExample,
  type EvaluateOptions,
} from './evaluate-split.js';
export {
  createDdlSampler,
  type DdlSampler,
  type DdlSamplerOptions,
  type DdlSamplerState,
  type DdlBatch,
  type StudentPairs,
} from './ddl-sampler.js';
export {
  createClassificationSampler,
  type ClassificationSampler,
  type ClassificationSamplerOptions,
  type ClassificationSamplerState,
} from './classification-sampler.js';
export { type ImageBatch } from './image-batch.js';
export { readPairsFile, lfwImagePath, type PairEntry } from './pairs-file.js';
export { readAttributesCsv, type AttributeRow } from './attributes-csv.js';
export { scanImageFolder, type ImageCandidate } from './scan-image-folder.js';
export { scanListFile } from './scan-list-file.js';
