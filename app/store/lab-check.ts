import { databasePath, openLabDatabase, schemaVersion, type LabDatabase } from './db.js';
import { LabDatabaseError, explainDatabaseError, resetAdvice } from './lab-errors.js';
import { databaseFileState } from './lab-folder.js';
import { readLabId } from './lab-meta.js';

// A whole-file check of the lab database (SQLite's quick_check: every page, every index's
// structure), for `ddl-lab serve` at start and for `ddl-lab lab check`. Page damage in the middle
// of the file does not show when the database is opened, only when a query touches the page.

export interface LabCheck {
  file: string;
  /** False when the folder has no lab yet (nothing to check). */
  exists: boolean;
  labId: string;
  schemaVersion: number;
}

/** Opens the lab in `mode` and checks every page; throws a LabDatabaseError ('damaged') on damage. */
export function checkLabDatabase(dataDir: string, mode: 'read' | 'write'): LabCheck {
  const file = databasePath(dataDir);
  const db = openLabDatabase(dataDir, { mode });
  try {
    assertIntact(db, file, dataDir);
    return {
      file,
      exists: databaseFileState(file) === 'present',
      labId: readLabId(db),
      schemaVersion: schemaVersion(db),
    };
  } catch (error) {
    throw explainDatabaseError(file, error, 'check');
  } finally {
    db.close();
  }
}

function assertIntact(db: LabDatabase, file: string, dataDir: string): void {
  const problems = (db.pragma('quick_check(20)') as Array<{ quick_check: string }>).map((r) => r.quick_check);
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw new LabDatabaseError(
    `The lab database ${file} is damaged: SQLite's check found ${problems.length >= 20 ? '20 or more' : problems.length} problem${problems.length === 1 ? '' : 's'} (first: ${problems[0]}). ` +
      `DDL Lab will not use it, so that nothing more is lost. Restore lab.sqlite from a backup (with its -wal file if there is one); ` +
      `try "sqlite3 ${file} .recover" to salvage rows into a new file; or ${resetAdvice(dataDir)}.`,
    file,
    'damaged',
  );
}
