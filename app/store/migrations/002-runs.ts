import type { Migration } from './types.js';

// Schema for runs, metric series, histograms, checkpoints (runs issue). Owned by that issue; filled in there.
export const migration002: Migration = {
  version: 2,
  name: 'runs',
  up: () => {},
};
