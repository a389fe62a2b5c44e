import { randomUUID } from 'node:crypto';
import type { Migration } from './types.js';

// The lab's identity and ids that are never reused.
// - lab_meta holds the lab id (a fresh UUID, also for labs upgraded from schema 3); caches and
//   run folders record it (pixel-cache.ts, run-folder.ts).
// - datasets and splits get AUTOINCREMENT, so a deleted dataset's or split's id is never given to
//   a new one: cache folders are named by dataset id, and runs keep their split id without a
//   foreign key. (runs and evaluations had AUTOINCREMENT from the start.)
// SQLite cannot add AUTOINCREMENT to a table, so both are rebuilt (create, copy, drop, rename);
// `rebuildsTables` makes migrate() run this with foreign keys off (dropping a parent table with
// them on would delete every child row) and check every foreign key before committing.
export const migration004: Migration = {
  version: 4,
  name: 'lab identity',
  rebuildsTables: true,
  up: (db) => {
    db.exec('CREATE TABLE lab_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
    db.prepare("INSERT INTO lab_meta (key, value) VALUES ('lab_id', ?)").run(randomUUID());
    db.exec(`
      CREATE TABLE datasets_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
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
      INSERT INTO datasets_new (id, name, kind, root, list_file, attributes_file, status, error, image_count,
        identity_count, bad_count, input_sizes, max_pixels, revision, created_at, updated_at)
      SELECT id, name, kind, root, list_file, attributes_file, status, error, image_count,
        identity_count, bad_count, input_sizes, max_pixels, revision, created_at, updated_at FROM datasets;
      DROP TABLE datasets;
      ALTER TABLE datasets_new RENAME TO datasets;

      CREATE TABLE splits_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        rule TEXT NOT NULL,
        summary TEXT NOT NULL,
        dataset_revision INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (dataset_id, name)
      );
      INSERT INTO splits_new (id, dataset_id, name, rule, summary, dataset_revision, created_at)
      SELECT id, dataset_id, name, rule, summary, dataset_revision, created_at FROM splits;
      DROP TABLE splits;
      ALTER TABLE splits_new RENAME TO splits;
    `);
  },
};
