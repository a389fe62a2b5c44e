// Public face of app/losses: margin heads + cross-entropy, and Distribution Distillation Loss.
export { createHead } from './heads/create-head.js';
export { crossEntropy } from './heads/cross-entropy.js';
export {
  defaultHeadMargins,
  headConfigSchema,
  headTypes,
  type HeadConfig,
  type HeadConfigInput,
  type HeadType,
  type MarginHead,
} from './heads/head-config.js';
export {
  ddlConfigSchema,
  defaultDdlConfig,
  parseDdlConfig,
  type BinsConfig,
  type DdlConfig,
  type DdlConfigInput,
} from './ddl/ddl-config.js';
export { ddlLoss, type DdlBranches, type DdlBranchSummary, type DdlTerms } from './ddl/ddl-loss.js';
export { branchDistributions, type BranchDistributions } from './ddl/branch-distributions.js';
export { binCenters, softHistogram } from './ddl/soft-histogram.js';
export { klDivergence } from './ddl/kl-divergence.js';
export { hardestNegatives, type NegativesMode } from './ddl/hardest-negatives.js';
export { pairSimilarities, positiveWeights } from './ddl/positive-pairs.js';
export { expectation } from './ddl/expectation.js';
export { orderLoss } from './ddl/order-loss.js';
export { lossTerms, type BranchTerms, type EmbeddingBranch, type LossTerms } from './ddl/loss-terms.js';
export { l2NormalizeColumns, l2NormalizeRows } from './normalize.js';
export { stopGradient } from './stop-gradient.js';
