import type { LabDatabase } from './db.js';
import { sql } from './statements.js';

/** Which input a problem came from: an image file, or a line of the attributes CSV, pairs list or list file. */
export type BadFileSource = 'image' | 'attributes' | 'pairs' | 'list';

export interface BadFileRecord {
  source: BadFileSource;
  /** Relative to the dataset root for images; the CSV / list file's path otherwise. */
  path: string;
  /** 1-based line of a CSV / list / pairs file. */
  line: number | null;
  /** Short category, e.g. "truncated", "not an image", "duplicate". */
  reason: string;
  /** What exactly went wrong, and what to do. */
  detail: string | null;
}

export function insertBadFiles(db: LabDatabase, datasetId: number, rows: readonly BadFileRecord[]): void {
  const insert = sql(
    db,
    'INSERT INTO bad_files (dataset_id, source, path, line, reason, detail) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const r of rows) insert.run(datasetId, r.source, r.path, r.line, r.reason, r.detail);
  })();
}

export function listBadFiles(
  db: LabDatabase,
  datasetId: number,
  offset = 0,
  limit = 1000,
): { total: number; items: BadFileRecord[] } {
  const total = (
    sql<{ n: number }>(db, 'SELECT count(*) AS n FROM bad_files WHERE dataset_id = ?').get(datasetId) as { n: number }
  ).n;
  const items = sql<BadFileRecord>(
    db,
    `SELECT source, path, line, reason, detail FROM bad_files WHERE dataset_id = ?
    ORDER BY id LIMIT ? OFFSET ?`,
  ).all(datasetId, limit, offset);
  return { total, items };
}

/** Counts per reason, e.g. { truncated: 2, 'not an image': 1 }. */
export function badFileReasons(db: LabDatabase, datasetId: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of sql<{ reason: string; n: number }>(
    db,
    'SELECT reason, count(*) AS n FROM bad_files WHERE dataset_id = ? GROUP BY reason ORDER BY reason',
  ).all(datasetId))
    out[r.reason] = r.n;
  return out;
}
