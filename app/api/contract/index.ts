// The LabApi contract (see methods.ts for the overview). Pure: zod only; the renderer imports it.
// The words it shares with the core come from app/vocabulary and are part of it.
export * from '../../vocabulary/index.js';
export * from './common.js';
export * from './errors.js';
export * from './system.js';
export * from './datasets.js';
export * from './distributions.js';
export * from './splits.js';
export * from './runs.js';
export * from './evaluations.js';
export * from './experiments.js';
export * from './jobs.js';
export * from './run-management.js';
export * from './slurm.js';
export * from './models.js';
export * from './events.js';
export * from './media.js';
export * from './bridge.js';
export * from './methods.js';
