import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LabDatabaseError, resetAdvice } from './lab-errors.js';

// What a data folder holds besides its database. A folder with run folders, pixel caches or a
// leftover write-ahead log but no usable lab.sqlite belonged to a lab whose database is gone:
// creating a new database there would restart dataset and run ids at 1 and mix the new lab's
// files with the old ones (a new run 1 overwriting old checkpoints, an old cache served for a new
// dataset 1). So the lab refuses, and `ddl-lab lab reset` moves those files aside on request.

/** Entries of a data folder that only a lab writes, beside lab.sqlite. */
export const labDataEntryNames = ['runs', 'cache', 'lab.sqlite-wal', 'lab.sqlite-journal'] as const;

// What in each entry is a lab's: run folders are named by run id, cache folders by dataset id. An
// empty folder holds nothing to lose, and the desktop app's data folder (Electron's userData) has
// a Chromium `Cache` folder, the same folder as `cache` where names ignore case (macOS, Windows).
const labContent: Record<(typeof labDataEntryNames)[number], RegExp | 'bytes'> = {
  runs: /^\d+$/,
  cache: /^dataset-\d+$/,
  'lab.sqlite-wal': 'bytes',
  'lab.sqlite-journal': 'bytes',
};

/** The lab-data entries present in `dataDir` that hold a lab's files. */
export function labDataEntries(dataDir: string): string[] {
  return labDataEntryNames.filter((name) => holdsLabData(join(dataDir, name), labContent[name]));
}

function holdsLabData(path: string, content: RegExp | 'bytes'): boolean {
  try {
    const stat = statSync(path);
    if (content === 'bytes') return stat.isFile() && stat.size > 0;
    return stat.isDirectory() && readdirSync(path).some((name) => content.test(name));
  } catch {
    return false;
  }
}

export type DatabaseFileState = 'missing' | 'empty' | 'present';

/** Whether lab.sqlite exists and has content (SQLite treats a 0-byte file as a new, empty database). */
export function databaseFileState(file: string): DatabaseFileState {
  if (!existsSync(file)) return 'missing';
  try {
    return statSync(file).size === 0 ? 'empty' : 'present';
  } catch {
    return 'present'; // let the open report why it cannot be read
  }
}

/** The refusal for a used data folder whose database is missing, empty or has no lab schema. */
export function orphanedDataError(dataDir: string, file: string, state: string, entries: string[]): LabDatabaseError {
  const listed = entries.map((e) => (e === 'runs' || e === 'cache' ? `${e}/` : e)).join(', ');
  return new LabDatabaseError(
    `The data folder ${dataDir} holds lab data (${listed}) but its database ${file} is ${state}. ` +
      'DDL Lab will not start a new lab over old files: a new database would reuse dataset and run ids 1, 2, … ' +
      'and mix its caches and checkpoints with the old ones. Nothing was changed. What to do: ' +
      `if lab.sqlite was moved or lost, put it back (from a backup) as ${file}; or ${resetAdvice(dataDir)}; ` +
      'or use another folder with --data-dir.',
    file,
    'orphaned-data',
  );
}
