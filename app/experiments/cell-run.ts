import type { LabDatabase } from '../store/db.js';
import { setCellRun, type ExperimentCell } from '../store/experiments-repo.js';
import type { RunRecord } from '../store/runs-repository.js';
import type { RunRequest } from '../train/run-checks.js';
import type { RunManager } from '../train/run-manager.js';

// A cell's run is created and named in its cell in one transaction that takes the write lock up
// front (BEGIN IMMEDIATE). A deferred one reads first (the run checks), then writes: when a run
// worker holds the lock at that moment, SQLite cannot wait for it (the read snapshot would be
// stale) and fails at once with "database is locked", which failed whole experiments on a busy
// machine. Taken up front, the lock is waited for like any other write (busy_timeout).
export function createCellRun(
  db: LabDatabase,
  manager: RunManager,
  cell: Omit<ExperimentCell, 'runId' | 'evaluationId'>,
  request: () => RunRequest,
): RunRecord {
  return db
    .transaction(() => {
      const created = manager.create(request());
      setCellRun(db, cell, created.id);
      return created;
    })
    .immediate();
}
