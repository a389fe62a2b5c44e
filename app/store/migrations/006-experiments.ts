import type { Migration } from './types.js';

// Experiments (app/experiments): the spec as written (JSON), the life cycle of its runner, and
// which run and evaluation fill each (seed, variant, arm) cell. A cell's run or evaluation may be
// deleted on its own: the cell then forgets it (SET NULL) and the next `experiment run` redoes it.
// The runner's pid lets a second runner see that one is already at work.
export const migration006: Migration = {
  version: 6,
  name: 'experiments',
  up: (db) => {
    db.exec(`
      CREATE TABLE experiments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted')),
        data TEXT,
        runner_pid INTEGER,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        error TEXT
      );
      CREATE TABLE experiment_runs (
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        seed INTEGER NOT NULL,
        variant TEXT NOT NULL,
        arm TEXT NOT NULL CHECK (arm IN ('stage1', 'classification', 'ddl')),
        run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        evaluation_id INTEGER REFERENCES evaluations(id) ON DELETE SET NULL,
        PRIMARY KEY (experiment_id, seed, variant, arm)
      ) WITHOUT ROWID;
      CREATE INDEX experiment_runs_by_run ON experiment_runs (run_id);
    `);
  },
};
