import type { Migration } from './types.js';

// Run management: a free-text note on each run and any number of tags, so runs trained from the
// CLI and the app can be found again. Tags are their own table (one row per run and tag) so
// "runs tagged X" is an index lookup; deleting a run deletes its tags. code_version records the
// lab's version (and git commit when known) that created the run; older runs have NULL.
export const migration007: Migration = {
  version: 7,
  name: 'run notes and tags',
  up: (db) => {
    db.exec(`
      ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
      ALTER TABLE runs ADD COLUMN code_version TEXT;
      CREATE TABLE run_tags (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (run_id, tag)
      ) WITHOUT ROWID;
      CREATE INDEX run_tags_by_tag ON run_tags (tag, run_id);
    `);
  },
};
