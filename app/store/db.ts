import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/types.js';
import { nativeBinding } from './native-binding.js';

export type LabDatabase = Database.Database;

export const databaseFileName = 'lab.sqlite';

export function databasePath(dataDir: string): string {
  return join(dataDir, databaseFileName);
}

// Opens (creating if needed) the lab database in WAL mode and brings its schema up to date.
export function openDatabase(file: string, migrations: Migration[] = allMigrations): LabDatabase {
  mkdirSync(dirname(file), { recursive: true });
  const binding = nativeBinding(); // the Electron build in the desktop app (native-binding.ts)
  const db = new Database(file, binding ? { nativeBinding: binding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

export function openLabDatabase(dataDir: string): LabDatabase {
  return openDatabase(databasePath(dataDir));
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
    throw new Error(
      `The database is at schema version ${current}, newer than this DDL Lab knows (${ordered.length}). Update DDL Lab.`,
    );
  }
  for (const m of ordered.slice(current)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
