import type { Statement } from 'better-sqlite3';
import type { LabDatabase } from './db.js';

// Prepared statements are compiled once per connection and reused: repositories call `sql(db, ...)`
// freely without paying SQLite's parse cost on every row.
const cache = new WeakMap<LabDatabase, Map<string, Statement<unknown[], unknown>>>();

export function sql<R = unknown>(db: LabDatabase, text: string): Statement<unknown[], R> {
  let statements = cache.get(db);
  if (!statements) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(text);
  if (!statement) {
    statement = db.prepare(text);
    statements.set(text, statement);
  }
  return statement as Statement<unknown[], R>;
}

export function nowIso(): string {
  return new Date().toISOString();
}
