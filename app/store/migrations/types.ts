import type { Database } from 'better-sqlite3';

// One schema step. Versions are consecutive integers; a migration never changes once released.
export interface Migration {
  version: number;
  name: string;
  /** The step rebuilds tables others refer to: run it with foreign keys off, then check them all. */
  rebuildsTables?: boolean;
  up(db: Database): void;
}
