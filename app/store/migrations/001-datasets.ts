import type { Migration } from './types.js';

// Datasets, images and their attributes, bad files, pair lists, splits and manual tags.
// Attributes live in a long table keyed (dataset, name, image): one range scan loads a whole
// column, which is what split evaluation and histograms read.
export const migration001: Migration = {
  version: 1,
  name: 'datasets',
  up: (db) => {
    db.exec(`
      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('imagefolder', 'list', 'synth')),
        root TEXT NOT NULL,
        list_file TEXT,
        attributes_file TEXT,
        status TEXT NOT NULL DEFAULT 'importing' CHECK (status IN ('importing', 'ready', 'failed')),
        error TEXT,
        image_count INTEGER NOT NULL DEFAULT 0,
        identity_count INTEGER NOT NULL DEFAULT 0,
        bad_count INTEGER NOT NULL DEFAULT 0,
        input_sizes TEXT NOT NULL DEFAULT '[]',
        max_pixels INTEGER NOT NULL,
        revision INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE identities (
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        name TEXT NOT NULL,
        image_count INTEGER NOT NULL,
        PRIMARY KEY (dataset_id, idx)
      ) WITHOUT ROWID;

      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        path TEXT NOT NULL,
        path_bytes BLOB,
        identity_idx INTEGER NOT NULL,
        file_size INTEGER NOT NULL,
        file_mtime_ms REAL NOT NULL,
        sha1 TEXT NOT NULL,
        format TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        sharpness REAL NOT NULL,
        brightness REAL NOT NULL,
        contrast REAL NOT NULL,
        UNIQUE (dataset_id, idx)
      );
      CREATE INDEX images_by_path ON images (dataset_id, path);
      CREATE INDEX images_by_identity ON images (dataset_id, identity_idx);

      CREATE TABLE attribute_columns (
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('numeric', 'categorical')),
        position INTEGER NOT NULL,
        PRIMARY KEY (dataset_id, name)
      ) WITHOUT ROWID;

      CREATE TABLE image_attributes (
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        image_id INTEGER NOT NULL,
        num REAL,
        text TEXT,
        PRIMARY KEY (dataset_id, name, image_id)
      ) WITHOUT ROWID;
      CREATE INDEX image_attributes_by_image ON image_attributes (image_id);

      CREATE TABLE bad_files (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        source TEXT NOT NULL CHECK (source IN ('image', 'attributes', 'pairs', 'list')),
        path TEXT NOT NULL,
        line INTEGER,
        reason TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX bad_files_by_dataset ON bad_files (dataset_id, reason);

      CREATE TABLE pair_lists (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        source TEXT NOT NULL,
        format TEXT NOT NULL CHECK (format IN ('lfw', 'csv')),
        folds INTEGER NOT NULL DEFAULT 1,
        pair_count INTEGER NOT NULL DEFAULT 0,
        skipped_count INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      );
      CREATE INDEX pair_lists_by_dataset ON pair_lists (dataset_id);

      CREATE TABLE pairs (
        list_id INTEGER NOT NULL REFERENCES pair_lists(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        image1_id INTEGER NOT NULL,
        image2_id INTEGER NOT NULL,
        same INTEGER NOT NULL CHECK (same IN (0, 1)),
        type TEXT CHECK (type IN ('easy-easy', 'easy-hard', 'hard-hard')),
        fold INTEGER,
        PRIMARY KEY (list_id, idx)
      ) WITHOUT ROWID;

      CREATE TABLE splits (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        rule TEXT NOT NULL,
        summary TEXT NOT NULL,
        dataset_revision INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (dataset_id, name)
      );

      -- side: 0 = easy, 1 = hard. Images in neither side have no row.
      CREATE TABLE split_members (
        split_id INTEGER NOT NULL REFERENCES splits(id) ON DELETE CASCADE,
        image_id INTEGER NOT NULL,
        side INTEGER NOT NULL CHECK (side IN (0, 1)),
        PRIMARY KEY (split_id, image_id)
      ) WITHOUT ROWID;

      CREATE TABLE image_tags (
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        image_id INTEGER NOT NULL,
        PRIMARY KEY (dataset_id, tag, image_id)
      ) WITHOUT ROWID;
      CREATE INDEX image_tags_by_image ON image_tags (image_id);
    `);
  },
};
