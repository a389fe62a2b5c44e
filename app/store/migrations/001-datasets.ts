import type { Migration } from './types.js';

// Schema for datasets, images, bad files, splits (data issue). Owned by that issue; filled in there.
export const migration001: Migration = {
  version: 1,
  name: 'datasets',
  up: () => {},
};
