import type { Migration } from './types.js';

// Schema for runs, metric series, histograms, checkpoints (docs/architecture.md#a-run).
// split_id has no foreign key on purpose: a run keeps its history if its split is deleted.
// Series are keyed by (run, name|branch, step) so a resumed run that replays steps overwrites
// instead of duplicating; WITHOUT ROWID keeps those keyed tables compact.
export const migration002: Migration = {
  version: 2,
  name: 'runs',
  up: (db) => {
    db.exec(`
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL DEFAULT '',
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        split_id INTEGER NOT NULL,
        stage INTEGER NOT NULL CHECK (stage IN (1, 2)),
        parent_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        config TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'cancelled', 'failed', 'interrupted')),
        backend TEXT,
        seed INTEGER NOT NULL,
        total_steps INTEGER NOT NULL,
        last_step INTEGER NOT NULL DEFAULT 0,
        pid INTEGER,
        cancel_requested_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        error TEXT
      );
      CREATE INDEX runs_by_status ON runs (status);
      CREATE INDEX runs_by_dataset ON runs (dataset_id);

      CREATE TABLE run_metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        step INTEGER NOT NULL,
        value REAL,
        PRIMARY KEY (run_id, name, step)
      ) WITHOUT ROWID;

      CREATE TABLE run_histograms (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        branch TEXT NOT NULL CHECK (branch IN ('teacherPositive', 'teacherNegative', 'studentPositive', 'studentNegative')),
        lo REAL NOT NULL,
        hi REAL NOT NULL,
        bins TEXT NOT NULL,
        mean REAL,
        count INTEGER NOT NULL,
        PRIMARY KEY (run_id, step, branch)
      ) WITHOUT ROWID;

      CREATE TABLE run_checkpoints (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        path TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, step)
      ) WITHOUT ROWID;
    `);
  },
};
