import type { LabDatabase } from './db.js';
import { nowIso, sql } from './statements.js';

export type SplitSide = 'easy' | 'hard';

export interface SplitRecord<Rule = unknown, Summary = unknown> {
  id: number;
  datasetId: number;
  name: string;
  rule: Rule;
  summary: Summary;
  /** The dataset revision the membership was computed at. */
  datasetRevision: number;
  createdAt: string;
}

interface SplitRow {
  id: number;
  dataset_id: number;
  name: string;
  rule: string;
  summary: string;
  dataset_revision: number;
  created_at: string;
}

function toRecord<Rule, Summary>(row: SplitRow): SplitRecord<Rule, Summary> {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    name: row.name,
    rule: JSON.parse(row.rule) as Rule,
    summary: JSON.parse(row.summary) as Summary,
    datasetRevision: row.dataset_revision,
    createdAt: row.created_at,
  };
}

/** Stores a split with its membership in one transaction; returns its id. */
export function insertSplit(
  db: LabDatabase,
  split: { datasetId: number; name: string; rule: unknown; summary: unknown; datasetRevision: number },
  members: { easy: ArrayLike<number>; hard: ArrayLike<number> },
): number {
  return db.transaction(() => {
    const taken = sql(db, 'SELECT id FROM splits WHERE dataset_id = ? AND name = ?').get(split.datasetId, split.name);
    if (taken)
      throw new Error(`Dataset ${split.datasetId} already has a split named "${split.name}"; choose another name.`);
    const id = Number(
      sql(
        db,
        `INSERT INTO splits (dataset_id, name, rule, summary, dataset_revision, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(
        split.datasetId,
        split.name,
        JSON.stringify(split.rule),
        JSON.stringify(split.summary),
        split.datasetRevision,
        nowIso(),
      ).lastInsertRowid,
    );
    const insert = sql(db, 'INSERT INTO split_members (split_id, image_id, side) VALUES (?, ?, ?)');
    for (let i = 0; i < members.easy.length; i++) insert.run(id, members.easy[i], 0);
    for (let i = 0; i < members.hard.length; i++) insert.run(id, members.hard[i], 1);
    return id;
  })();
}

export function getSplit<Rule = unknown, Summary = unknown>(
  db: LabDatabase,
  splitId: number,
): SplitRecord<Rule, Summary> | undefined {
  const row = sql<SplitRow>(db, 'SELECT * FROM splits WHERE id = ?').get(splitId);
  return row ? toRecord<Rule, Summary>(row) : undefined;
}

/** A split of a dataset by id or name. */
export function findSplit<Rule = unknown, Summary = unknown>(
  db: LabDatabase,
  datasetId: number,
  idOrName: string | number,
): SplitRecord<Rule, Summary> | undefined {
  if (typeof idOrName === 'number' || /^\d+$/.test(idOrName)) {
    const row = sql<SplitRow>(db, 'SELECT * FROM splits WHERE id = ? AND dataset_id = ?').get(
      Number(idOrName),
      datasetId,
    );
    if (row) return toRecord<Rule, Summary>(row);
  }
  const row = sql<SplitRow>(db, 'SELECT * FROM splits WHERE dataset_id = ? AND name = ?').get(
    datasetId,
    String(idOrName),
  );
  return row ? toRecord<Rule, Summary>(row) : undefined;
}

export function listSplits<Rule = unknown, Summary = unknown>(
  db: LabDatabase,
  datasetId?: number,
): SplitRecord<Rule, Summary>[] {
  const rows =
    datasetId === undefined
      ? sql<SplitRow>(db, 'SELECT * FROM splits ORDER BY id').all()
      : sql<SplitRow>(db, 'SELECT * FROM splits WHERE dataset_id = ? ORDER BY id').all(datasetId);
  return rows.map((r) => toRecord<Rule, Summary>(r));
}

/** Image ids on each side of a split, ascending. */
export function splitMembers(db: LabDatabase, splitId: number): { easy: number[]; hard: number[] } {
  const out = { easy: [] as number[], hard: [] as number[] };
  for (const r of sql<{ image_id: number; side: number }>(
    db,
    'SELECT image_id, side FROM split_members WHERE split_id = ? ORDER BY image_id',
  ).iterate(splitId)) {
    (r.side === 1 ? out.hard : out.easy).push(r.image_id);
  }
  return out;
}

export function deleteSplit(db: LabDatabase, splitId: number): boolean {
  return sql(db, 'DELETE FROM splits WHERE id = ?').run(splitId).changes > 0;
}
