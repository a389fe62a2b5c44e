import type { Migration } from './types.js';

// How a dataset's pixel cache stores its rows, chosen at import: `raw` (size·size·3 bytes per
// image, one read per row) or `png` (each row a lossless PNG, decoded by a worker pool while
// training reads it). Datasets imported before keep their raw caches.
export const migration009: Migration = {
  version: 9,
  name: 'cache-format',
  up: (db) => {
    db.exec(`ALTER TABLE datasets ADD COLUMN cache_format TEXT NOT NULL DEFAULT 'raw';`);
  },
};
