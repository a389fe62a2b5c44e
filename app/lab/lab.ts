import { outsideCacheDirs } from '../data/cache-location.js';
import type { LabDatabase } from '../store/db.js';
import { planLabReset as planStoreReset, type LabResetPlan } from '../store/lab-reset.js';

// The lab's domain operations (datasets, splits, runs, evaluations) live in app/lab and take a
// Lab: the open database and the data directory beside it (caches, checkpoints). Every front end
// (the CLI, the LabApi service, the demo) calls them, so each policy has one home.

export interface Lab {
  db: LabDatabase;
  dataDir: string;
}

/** A domain operation refused: `not_found` (no such thing) or `conflict` (not in a state that allows it). */
export class LabOperationError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'conflict',
  ) {
    super(message);
    this.name = 'LabOperationError';
  }
}

export { openLabDatabase, type LabDatabase } from '../store/db.js';
export { chooseDataDir, defaultDataDir, type DataDirChoice } from '../store/data-dir.js';
export { databasePath } from '../store/db.js';
export { checkLabDatabase } from '../store/lab-check.js';
export { resetLab, type LabResetPlan } from '../store/lab-reset.js';

/** What `ddl-lab lab reset` would move: the data folder's lab files and its pixel cache folders elsewhere. */
export function planLabReset(dataDir: string): LabResetPlan {
  return planStoreReset(dataDir, outsideCacheDirs(dataDir));
}
export { explainDatabaseError } from '../store/lab-errors.js';
