// SynthFaces: the built-in procedural face dataset (app/data/README.md).
export {
  generateSynthFaces,
  SynthCancelledError,
  MANIFEST_FILE,
  ATTRIBUTES_FILE,
  PAIRS_FILE,
  SPLIT_RULE_FILE,
  identityName,
  imageName,
} from './generate.js';
export type { SynthManifest } from './generate.js';
export { type SynthOptions, SynthOptionsError, DEFAULT_SEED, MAX_IMAGES } from './options.js';
export { type HardRule, type HardCondition, type ComparisonOp, hardRuleSchema, isHard } from './hard-rule.js';
export { presetNames, getPreset, type PresetName, type PresetParameters, type NuisanceRanges } from './presets.js';
export { attributeColumns, attributesHeader } from './attributes.js';
export { pairTypes, pairsHeader, PAIRS_PER_IDENTITY } from './pairs.js';
export { contactSheet } from './contact-sheet.js';
