import type { PairType } from '../vocabulary/index.js';
import type { LabDatabase } from './db.js';
import { nowIso, sql } from './statements.js';

export type { PairType } from '../vocabulary/index.js';
export type PairListFormat = 'lfw' | 'csv';

export interface NewPair {
  image1Id: number;
  image2Id: number;
  same: boolean;
  /** From the list when it says (SynthFaces does); otherwise null and derived from a split. */
  type: PairType | null;
  /** Cross-validation fold from an LFW 10-fold header; null for untagged lists. */
  fold: number | null;
}

export interface PairListRecord {
  id: number;
  datasetId: number;
  name: string;
  source: string;
  format: PairListFormat;
  folds: number;
  pairCount: number;
  skippedCount: number;
  createdAt: string;
  genuineCount: number;
  impostorCount: number;
  /** Pairs per type when the list is tagged; empty when untagged. */
  byType: Record<string, number>;
}

/** Stores a pair list and its pairs in one transaction; returns the list id. */
export function insertPairList(
  db: LabDatabase,
  datasetId: number,
  list: { name: string; source: string; format: PairListFormat; folds: number; skippedCount: number },
  pairs: readonly NewPair[],
): number {
  return db.transaction(() => {
    const id = Number(
      sql(
        db,
        `INSERT INTO pair_lists (dataset_id, name, source, format, folds, pair_count, skipped_count, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(datasetId, list.name, list.source, list.format, list.folds, pairs.length, list.skippedCount, nowIso())
        .lastInsertRowid,
    );
    const insert = sql(
      db,
      'INSERT INTO pairs (list_id, idx, image1_id, image2_id, same, type, fold) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    pairs.forEach((p, i) => insert.run(id, i, p.image1Id, p.image2Id, p.same ? 1 : 0, p.type, p.fold));
    return id;
  })();
}

interface PairListRow {
  id: number;
  dataset_id: number;
  name: string;
  source: string;
  format: PairListFormat;
  folds: number;
  pair_count: number;
  skipped_count: number;
  created_at: string;
}

function withCounts(db: LabDatabase, row: PairListRow): PairListRecord {
  const same = sql<{ same: number; n: number }>(
    db,
    'SELECT same, count(*) AS n FROM pairs WHERE list_id = ? GROUP BY same',
  ).all(row.id);
  const byType: Record<string, number> = {};
  for (const t of sql<{ type: string; n: number }>(
    db,
    'SELECT type, count(*) AS n FROM pairs WHERE list_id = ? AND type IS NOT NULL GROUP BY type ORDER BY type',
  ).all(row.id))
    byType[t.type] = t.n;
  return {
    id: row.id,
    datasetId: row.dataset_id,
    name: row.name,
    source: row.source,
    format: row.format,
    folds: row.folds,
    pairCount: row.pair_count,
    skippedCount: row.skipped_count,
    createdAt: row.created_at,
    genuineCount: same.find((s) => s.same === 1)?.n ?? 0,
    impostorCount: same.find((s) => s.same === 0)?.n ?? 0,
    byType,
  };
}

export function listPairLists(db: LabDatabase, datasetId: number): PairListRecord[] {
  return sql<PairListRow>(db, 'SELECT * FROM pair_lists WHERE dataset_id = ? ORDER BY id')
    .all(datasetId)
    .map((r) => withCounts(db, r));
}

export function getPairList(db: LabDatabase, listId: number): PairListRecord | undefined {
  const row = sql<PairListRow>(db, 'SELECT * FROM pair_lists WHERE id = ?').get(listId);
  return row ? withCounts(db, row) : undefined;
}

/** A pair list as columns, in list order (what verification reads). */
export interface PairColumns {
  image1Ids: Int32Array;
  image2Ids: Int32Array;
  same: Uint8Array;
  types: Array<PairType | null>;
  /** -1 where the list has no fold. */
  folds: Int16Array;
}

export function loadPairs(db: LabDatabase, listId: number): PairColumns {
  const rows = sql<{ image1_id: number; image2_id: number; same: number; type: PairType | null; fold: number | null }>(
    db,
    'SELECT image1_id, image2_id, same, type, fold FROM pairs WHERE list_id = ? ORDER BY idx',
  ).all(listId);
  const out: PairColumns = {
    image1Ids: new Int32Array(rows.length),
    image2Ids: new Int32Array(rows.length),
    same: new Uint8Array(rows.length),
    types: new Array<PairType | null>(rows.length),
    folds: new Int16Array(rows.length),
  };
  rows.forEach((r, i) => {
    out.image1Ids[i] = r.image1_id;
    out.image2Ids[i] = r.image2_id;
    out.same[i] = r.same;
    out.types[i] = r.type;
    out.folds[i] = r.fold ?? -1;
  });
  return out;
}
