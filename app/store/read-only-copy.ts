import type Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase } from './native-binding.js';

// Reading a WAL-mode database needs its -shm index file, which SQLite creates beside the database
// when no other connection has it open. In a folder this user may not write (a colleague's lab, a
// read-only mount) that is impossible, so read commands read a private copy (with its -wal, if
// any) in the temp folder instead; closing the connection removes the copy. While another process
// has the lab open, the -shm exists and the database is read in place instead.

export function openReadOnlyCopy(file: string): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), 'ddl-lab-read-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const copy = join(dir, 'lab.sqlite');
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = connectDatabase(copy, { readonly: true, fileMustExist: true });
    const close = db.close.bind(db);
    process.once('exit', cleanup);
    db.close = () => {
      close();
      process.off('exit', cleanup);
      cleanup();
      return db;
    };
    return db;
  } catch (error) {
    cleanup();
    throw error;
  }
}
