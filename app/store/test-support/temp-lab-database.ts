import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openLabDatabase, type LabDatabase } from '../db.js';

/** For tests: `open()` gives a fresh lab database in a temp folder; both are removed after each test. */
export function tempLabDatabases(prefix: string): () => LabDatabase {
  const dirs: string[] = [];
  const dbs: LabDatabase[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    const db = openLabDatabase(dir);
    dbs.push(db);
    return db;
  };
}
