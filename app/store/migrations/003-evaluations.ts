import type { Migration } from './types.js';

// Schema for evaluations and failures (evaluation issue). Owned by that issue; filled in there.
export const migration003: Migration = {
  version: 3,
  name: 'evaluations',
  up: () => {},
};
