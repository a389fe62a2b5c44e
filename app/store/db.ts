import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { databaseFileState, labDataEntries, orphanedDataError } from './lab-folder.js';
import { LabDatabaseError, explainDatabaseError } from './lab-errors.js';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/types.js';
import { openReadOnlyCopy } from './read-only-copy.js';
import { connectDatabase } from './native-binding.js';

export type LabDatabase = Database.Database;

export const databaseFileName = 'lab.sqlite';

export function databasePath(dataDir: string): string {
  return join(dataDir, databaseFileName);
}

// Opens (creating if needed) a database file in WAL mode and brings its schema up to date.
// No data-folder policy: openLabDatabase is what the lab's commands use.
export function openDatabase(file: string, migrations: Migration[] = allMigrations): LabDatabase {
  mkdirSync(dirname(file), { recursive: true });
  const db = connectDatabase(file);
  try {
    configureForWriting(db);
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * - `write` (default): opens the lab in `dataDir`, creating it when the folder holds no lab yet,
 *   and upgrades its schema. Refuses a folder with lab files (runs/, cache/, a -wal) beside a missing,
 *   empty or schema-less lab.sqlite.
 * - `read`: opens lab.sqlite read-only (a read-only folder works too) and writes nothing, except a
 *   schema upgrade of an older lab. A folder with no lab yet reads as an empty lab (in memory).
 * Every failure is a LabDatabaseError naming lab.sqlite and what to do.
 */
export function openLabDatabase(dataDir: string, options: { mode?: 'read' | 'write' } = {}): LabDatabase {
  const file = databasePath(dataDir);
  return options.mode === 'read' ? openForReading(dataDir, file) : openForWriting(dataDir, file);
}

function openForWriting(dataDir: string, file: string): LabDatabase {
  const state = databaseFileState(file);
  if (state !== 'present') refuseIfUsed(dataDir, file, state === 'missing' ? 'missing' : 'empty (0 bytes)');
  let db: LabDatabase | undefined;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = connectDatabase(file);
    if (state === 'present') checkLabSchema(db, dataDir, file);
    configureForWriting(db);
    migrate(db, allMigrations);
    return db;
  } catch (error) {
    db?.close();
    throw explainDatabaseError(file, error, 'open');
  }
}

function openForReading(dataDir: string, file: string): LabDatabase {
  const state = databaseFileState(file);
  if (state !== 'present') {
    refuseIfUsed(dataDir, file, state === 'missing' ? 'missing' : 'empty (0 bytes)');
    return emptyLab();
  }
  let db: LabDatabase | undefined;
  try {
    db = openReadOnly(file);
    if (checkLabSchema(db, dataDir, file) === 'no-schema') {
      db.close();
      return emptyLab();
    }
    const version = schemaVersion(db);
    if (version < allMigrations.length) {
      // An older lab: upgrade it once (a write), then read as asked.
      db.close();
      db = undefined;
      upgradeForReading(dataDir, file, version);
      db = openReadOnly(file);
    }
    migrate(db, allMigrations); // checks the version; nothing left to apply
    return db;
  } catch (error) {
    db?.close();
    throw explainDatabaseError(file, error, 'read');
  }
}

function upgradeForReading(dataDir: string, file: string, version: number): void {
  try {
    openForWriting(dataDir, file).close();
  } catch (error) {
    const why = error instanceof LabDatabaseError ? error.message : String(error);
    throw new LabDatabaseError(
      `The lab database ${file} is at schema version ${version}; this DDL Lab reads version ${allMigrations.length} and must upgrade it once, which needs write access (then read-only use works again). ${why}`,
      file,
      error instanceof LabDatabaseError ? error.code : 'other',
    );
  }
}

function openReadOnly(file: string): LabDatabase {
  const db = connectDatabase(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    schemaVersion(db); // the first read: SQLite opens the WAL index here
    return db;
  } catch (error) {
    db.close();
    // A WAL database needs its -shm index file; in a folder this user may not write, SQLite
    // cannot create it, so read a private copy instead.
    if (String((error as { code?: unknown }).code).startsWith('SQLITE_READONLY')) return openReadOnlyCopy(file);
    throw error;
  }
}

/** A file at schema 0: empty (a new lab, fine) unless the folder is used; with tables, not a lab at all. */
function checkLabSchema(db: LabDatabase, dataDir: string, file: string): 'ok' | 'no-schema' {
  if (schemaVersion(db) > 0) return 'ok';
  const tables = (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n;
  if (tables > 0)
    throw new LabDatabaseError(
      `${file} is a SQLite database but not a DDL Lab one (it has tables and no lab schema version). ` +
        'Move it away, or use another folder with --data-dir.',
      file,
      'not-a-lab',
    );
  refuseIfUsed(dataDir, file, 'a database without any lab tables');
  return 'no-schema';
}

function refuseIfUsed(dataDir: string, file: string, state: string): void {
  const entries = labDataEntries(dataDir);
  if (entries.length > 0) throw orphanedDataError(dataDir, file, state, entries);
}

/** A folder with no lab yet, as read commands see it: the full schema, no rows, nothing on disk. */
function emptyLab(): LabDatabase {
  const db = connectDatabase(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, allMigrations);
  return db;
}

function configureForWriting(db: LabDatabase): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

export function schemaVersion(db: LabDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

// Applies each pending migration in its own transaction, so a failed step leaves the last good version.
export function migrate(db: LabDatabase, migrations: Migration[]): void {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  ordered.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(
        `Migration "${m.name}" has version ${m.version}; expected ${i + 1} (versions must be consecutive).`,
      );
  });
  const current = schemaVersion(db);
  if (current > ordered.length) {
    throw new LabDatabaseError(
      `The database ${db.name} is at schema version ${current}, newer than this DDL Lab knows (${ordered.length}). Update DDL Lab, or use another folder with --data-dir.`,
      db.name,
      'version',
    );
  }
  for (const m of ordered.slice(current)) {
    try {
      applyMigration(db, m);
    } catch (error) {
      throw new LabDatabaseError(
        `Upgrading the database ${db.name} to schema version ${m.version} (${m.name}) failed: ${(error as Error).message}. ` +
          `It was left at version ${schemaVersion(db)}, as it was before this step. Check the disk and the file, or restore it from a backup.`,
        db.name,
        'other',
      );
    }
  }
}

function applyMigration(db: LabDatabase, m: Migration): void {
  // PRAGMA foreign_keys is a no-op inside a transaction: switch it off before, back after.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  if (m.rebuildsTables) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      m.up(db);
      if (m.rebuildsTables) {
        const broken = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>;
        if (broken.length > 0)
          throw new Error(
            `${broken.length} rows would refer to missing rows (first: ${broken[0]!.table} row ${broken[0]!.rowid} → ${broken[0]!.parent})`,
          );
      }
      db.pragma(`user_version = ${m.version}`);
    })();
  } finally {
    if (m.rebuildsTables) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
}
