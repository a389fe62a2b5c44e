import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { checkLabDatabase } from './lab-check.js';
import { LabDatabaseError } from './lab-errors.js';

// `ddl-lab lab reset`: the explicit way out of a data folder whose database is missing, empty or
// damaged. It moves the lab's files (database, run folders, caches) into a new reset-<time>
// folder beside them, never deleting anything, so the next command starts a new lab there and the
// old checkpoints and caches stay where the person can still get at them. A healthy lab, a lab
// newer than this DDL Lab or one this user may not read is left alone. The lab's pixel caches
// outside the data folder (the platform's cache folder, DDL_LAB_CACHE_DIR) are renamed aside
// where they are, `<folder>-reset-<time>`: a rename, never a copy across disks.

/** Everything a lab writes in its data folder. */
export const labFileNames = [
  'lab.sqlite',
  'lab.sqlite-wal',
  'lab.sqlite-shm',
  'lab.sqlite-journal',
  'runs',
  'cache',
] as const;

export interface LabResetPlan {
  dataDir: string;
  /** `orphaned`/`damaged`: reset moves `entries` aside; otherwise there is nothing it may do. */
  state: 'orphaned' | 'damaged' | 'healthy' | 'no-lab';
  /** Why, in a sentence. */
  reason: string;
  entries: string[];
  /** This lab's cache folders outside the data folder that hold dataset caches; reset renames them aside. */
  cacheFolders: string[];
}

/** `outsideCaches`: the data folder's cache folders elsewhere (app/data's outsideCacheDirs), existing or not. */
export function planLabReset(dataDir: string, outsideCaches: string[] = []): LabResetPlan {
  const entries = () => labFileNames.filter((name) => existsSync(join(dataDir, name)));
  const cacheFolders = outsideCaches.filter(holdsDatasetCaches);
  try {
    const check = checkLabDatabase(dataDir, 'read');
    if (!check.exists)
      return {
        dataDir,
        state: 'no-lab',
        reason: `${dataDir} holds no lab data; there is nothing to reset.`,
        entries: entries(),
        cacheFolders,
      };
    return {
      dataDir,
      state: 'healthy',
      reason: `The lab in ${dataDir} (lab id ${check.labId}) opens and passes SQLite's check; reset only moves aside a lab whose database is missing, empty or damaged. To start another lab, use another folder with --data-dir.`,
      entries: entries(),
      cacheFolders,
    };
  } catch (error) {
    if (!(error instanceof LabDatabaseError)) throw error;
    // Listed after the check, which may have left an empty -wal/-shm beside the file.
    if (error.code === 'orphaned-data')
      return { dataDir, state: 'orphaned', reason: error.message, entries: entries(), cacheFolders };
    if (error.code === 'damaged' || error.code === 'not-a-lab')
      return { dataDir, state: 'damaged', reason: error.message, entries: entries(), cacheFolders };
    throw error; // permissions, a lock, a newer version: moving files would not help
  }
}

export interface LabResetResult {
  movedTo: string;
  moved: string[];
  /** Where each of plan.cacheFolders was renamed to. */
  cachesMovedTo: string[];
}

function holdsDatasetCaches(folder: string): boolean {
  try {
    return readdirSync(folder).some((name) => /^dataset-\d+$/.test(name));
  } catch {
    return false;
  }
}

/** Moves a missing/empty/damaged lab's files into `dataDir/reset-<time>/`; throws for any other state. */
export function resetLab(dataDir: string, plan: LabResetPlan = planLabReset(dataDir)): LabResetResult {
  if (plan.state !== 'orphaned' && plan.state !== 'damaged') throw new Error(plan.reason);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let movedTo = join(dataDir, `reset-${stamp}`);
  for (let n = 2; existsSync(movedTo); n++) movedTo = join(dataDir, `reset-${stamp}-${n}`);
  mkdirSync(movedTo);
  const moved: string[] = [];
  for (const name of plan.entries) {
    try {
      renameSync(join(dataDir, name), join(movedTo, name));
    } catch (error) {
      throw new Error(
        `Moving ${join(dataDir, name)} to ${movedTo} failed (${(error as Error).message}); ${moved.length ? `already moved: ${moved.join(', ')}` : 'nothing was moved'}. Fix the cause and run the reset again.`,
      );
    }
    moved.push(name);
  }
  const cachesMovedTo: string[] = [];
  for (const folder of plan.cacheFolders) {
    let to = `${folder}-reset-${stamp}`;
    for (let n = 2; existsSync(to); n++) to = `${folder}-reset-${stamp}-${n}`;
    try {
      renameSync(folder, to);
    } catch (error) {
      throw new Error(
        `Moved ${moved.join(', ') || 'nothing'} into ${movedTo}, but renaming the pixel cache folder ${folder} to ${to} failed (${(error as Error).message}). Fix the cause and rename it yourself (or delete it: caches are rebuilt from the images); the new lab does not read another lab's caches.`,
      );
    }
    cachesMovedTo.push(to);
  }
  return { movedTo, moved, cachesMovedTo };
}
