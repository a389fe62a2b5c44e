import type { Migration } from './types.js';

// Evaluations of a run's checkpoint on a pair list (docs/architecture.md#evaluation-protocol, #an-evaluation), the pairs it gets wrong and
// the per-image hardness it measured. Deleting a run, pair list or dataset deletes its evaluations,
// and an evaluation's failures and hardness go with it.
// - evaluations: the reports as JSON (what the UI charts), headline numbers as columns (what tables sort).
// - failures: one row per mined pair; `severity` = distance to the threshold on the wrong side,
//   so "worst first, filtered by kind and pair type, paged" is one index range scan.
// - image_hardness: cosine of each image to its identity's mean embedding; the model-based split
//   rule reads it back, hardest first by index.
// Every statement is IF NOT EXISTS: development databases recorded an empty version 3 and get
// these tables on first use (evaluations-tables.ts runs this again there).
export const migration003: Migration = {
  version: 3,
  name: 'evaluations',
  up: (db) => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS evaluations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        pair_list_id INTEGER NOT NULL REFERENCES pair_lists(id) ON DELETE CASCADE,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        dataset_revision INTEGER NOT NULL,
        checkpoint_step INTEGER NOT NULL,
        flip_test INTEGER NOT NULL CHECK (flip_test IN (0, 1)),
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
        error TEXT,
        created_at TEXT NOT NULL,
        seconds REAL,
        backend TEXT,
        types_source TEXT NOT NULL CHECK (types_source IN ('list', 'split', 'none')),
        sides_source TEXT NOT NULL CHECK (sides_source IN ('split', 'pair-types', 'none')),
        split_id INTEGER,
        threshold REAL,
        threshold_source TEXT,
        accuracy REAL,
        easy_hard_gap REAL,
        report TEXT,
        identification TEXT,
        failure_counts TEXT,
        hardness_summary TEXT
      );
      CREATE INDEX IF NOT EXISTS evaluations_by_run ON evaluations (run_id, id);
      CREATE INDEX IF NOT EXISTS evaluations_by_pair_list ON evaluations (pair_list_id);
      CREATE INDEX IF NOT EXISTS evaluations_by_dataset ON evaluations (dataset_id, run_id, checkpoint_step);

      CREATE TABLE IF NOT EXISTS failures (
        evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('false-reject', 'false-accept')),
        rank INTEGER NOT NULL,
        pair_idx INTEGER NOT NULL,
        image1_id INTEGER NOT NULL,
        image2_id INTEGER NOT NULL,
        score REAL NOT NULL,
        severity REAL NOT NULL,
        pair_type TEXT,
        PRIMARY KEY (evaluation_id, kind, rank)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS failures_worst_first ON failures (evaluation_id, severity DESC);
      CREATE INDEX IF NOT EXISTS failures_by_type ON failures (evaluation_id, pair_type, severity DESC);

      CREATE TABLE IF NOT EXISTS image_hardness (
        evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
        image_id INTEGER NOT NULL,
        hardness REAL,
        side INTEGER CHECK (side IN (0, 1)),
        PRIMARY KEY (evaluation_id, image_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS image_hardness_hardest_first ON image_hardness (evaluation_id, hardness);
    `);
  },
};
