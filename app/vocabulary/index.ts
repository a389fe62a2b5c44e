// The lab's vocabulary: the words the core and the LabApi contract share (run configs and their
// parts, statuses, pair types, split rules and summaries), declared once as zod schemas with
// their types. Zod only, no Node and no tfjs, so the renderer's bundle can take it in through
// the contract.
export * from './ids.js';
export * from './pair-types.js';
export * from './statuses.js';
export * from './heads.js';
export * from './backbone.js';
export * from './pretrained.js';
export * from './ddl-options.js';
export * from './schedule.js';
export * from './run-config.js';
export * from './metrics.js';
export * from './split-rule.js';
export * from './experiment.js';
export * from './slurm-settings.js';
