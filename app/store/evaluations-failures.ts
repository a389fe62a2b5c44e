import type { LabDatabase } from './db.js';
import { ensureEvaluationTables } from './evaluations-tables.js';
import type { FailureKind } from './evaluations-repo.js';
import { sql } from './statements.js';

// The failure gallery's query: an evaluation's mined pairs worst first (distance to the threshold on
// the wrong side), filtered by kind and pair type in SQL and by any image predicate (attribute
// filters) in between, one window at a time, each pair joined to both images: id, path, identity,
// and on request their attributes.

export interface FailureQuery {
  kind?: FailureKind;
  pairType?: string;
  offset?: number;
  limit?: number;
  /** Keep a pair only when this holds (e.g. either image matches attribute filters). */
  keep?: (image1Id: number, image2Id: number) => boolean;
  /** Join each image's attributes: file attributes that are present, then the measured ones. */
  attributes?: boolean;
}

export interface FailureImage {
  imageId: number;
  /** Null (and path '' and identity '') when the image row is gone. */
  datasetId: number | null;
  path: string;
  identityIdx: number | null;
  identity: string;
  attributes?: Record<string, number | string>;
}

export interface FailureRecord {
  kind: FailureKind;
  rank: number;
  pairIdx: number;
  score: number;
  severity: number;
  pairType: string | null;
  image1: FailureImage;
  image2: FailureImage;
}

interface KeyRow {
  kind: FailureKind;
  rank: number;
  image1_id: number;
  image2_id: number;
}
interface JoinedRow {
  kind: FailureKind;
  rank: number;
  pair_idx: number;
  score: number;
  severity: number;
  pair_type: string | null;
  image1_id: number;
  d1: number | null;
  p1: string | null;
  x1: number | null;
  n1: string | null;
  image2_id: number;
  d2: number | null;
  p2: string | null;
  x2: number | null;
  n2: string | null;
}

const joined = `SELECT f.kind, f.rank, f.pair_idx, f.score, f.severity, f.pair_type,
    f.image1_id, i1.dataset_id AS d1, i1.path AS p1, i1.identity_idx AS x1, n1.name AS n1,
    f.image2_id, i2.dataset_id AS d2, i2.path AS p2, i2.identity_idx AS x2, n2.name AS n2
  FROM failures f
  LEFT JOIN images i1 ON i1.id = f.image1_id
  LEFT JOIN identities n1 ON n1.dataset_id = i1.dataset_id AND n1.idx = i1.identity_idx
  LEFT JOIN images i2 ON i2.id = f.image2_id
  LEFT JOIN identities n2 ON n2.dataset_id = i2.dataset_id AND n2.idx = i2.identity_idx`;

/** Worst first; equal severities keep a fixed order (kind, then rank). */
const order = 'ORDER BY f.severity DESC, f.kind, f.rank';

function whereOf(evaluationId: number, query: FailureQuery): { where: string; params: unknown[] } {
  const clauses = ['f.evaluation_id = ?'];
  const params: unknown[] = [evaluationId];
  if (query.kind) {
    clauses.push('f.kind = ?');
    params.push(query.kind);
  }
  if (query.pairType !== undefined) {
    clauses.push('f.pair_type = ?');
    params.push(query.pairType);
  }
  return { where: `WHERE ${clauses.join(' AND ')}`, params };
}

const measuredColumns = ['width', 'height', 'sharpness', 'brightness', 'contrast'] as const;

function imageAttributes(db: LabDatabase, imageId: number): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const r of sql<{ name: string; num: number | null; text: string | null }>(
    db,
    `SELECT a.name, a.num, a.text FROM image_attributes a JOIN attribute_columns c ON c.dataset_id = a.dataset_id AND c.name = a.name
      WHERE a.image_id = ? ORDER BY c.position`,
  ).all(imageId)) {
    const value = r.num ?? r.text;
    if (value !== null) out[r.name] = value;
  }
  const measured = sql<Record<(typeof measuredColumns)[number], number>>(
    db,
    `SELECT ${measuredColumns.join(', ')} FROM images WHERE id = ?`,
  ).get(imageId);
  if (measured) for (const name of measuredColumns) out[name] = measured[name];
  return out;
}

function toRecord(db: LabDatabase, r: JoinedRow, withAttributes: boolean): FailureRecord {
  const image = (
    imageId: number,
    datasetId: number | null,
    path: string | null,
    identityIdx: number | null,
    name: string | null,
  ): FailureImage => ({
    imageId,
    datasetId,
    path: path ?? '',
    identityIdx,
    identity: name ?? (identityIdx === null ? '' : String(identityIdx)),
    ...(withAttributes ? { attributes: imageAttributes(db, imageId) } : {}),
  });
  return {
    kind: r.kind,
    rank: r.rank,
    pairIdx: r.pair_idx,
    score: r.score,
    severity: r.severity,
    pairType: r.pair_type,
    image1: image(r.image1_id, r.d1, r.p1, r.x1, r.n1),
    image2: image(r.image2_id, r.d2, r.p2, r.x2, r.n2),
  };
}

/** One window of an evaluation's failures, worst first; `total` counts every match. */
export function listFailures(
  db: LabDatabase,
  evaluationId: number,
  query: FailureQuery = {},
): { total: number; items: FailureRecord[] } {
  ensureEvaluationTables(db);
  const offset = query.offset ?? 0;
  const limit = query.limit ?? 100;
  const withAttributes = query.attributes ?? false;
  const { where, params } = whereOf(evaluationId, query);
  if (!query.keep) {
    const total = sql<{ n: number }>(db, `SELECT count(*) AS n FROM failures f ${where}`).get(...params)!.n;
    const rows = sql<JoinedRow>(db, `${joined} ${where} ${order} LIMIT ? OFFSET ?`).all(...params, limit, offset);
    return { total, items: rows.map((r) => toRecord(db, r, withAttributes)) };
  }
  // A predicate SQL cannot see: scan the (bounded) keys in order, then join only the window.
  const keep = query.keep;
  const matching = sql<KeyRow>(db, `SELECT f.kind, f.rank, f.image1_id, f.image2_id FROM failures f ${where} ${order}`)
    .all(...params)
    .filter((k) => keep(k.image1_id, k.image2_id));
  const one = sql<JoinedRow>(db, `${joined} WHERE f.evaluation_id = ? AND f.kind = ? AND f.rank = ?`);
  const items = matching
    .slice(offset, offset + limit)
    .map((k) => toRecord(db, one.get(evaluationId, k.kind, k.rank)!, withAttributes));
  return { total: matching.length, items };
}

/** Failures per kind and pair type as stored (the mined ones, at most the limit per type). */
export function storedFailureCounts(
  db: LabDatabase,
  evaluationId: number,
): Array<{ kind: FailureKind; pairType: string | null; count: number }> {
  ensureEvaluationTables(db);
  return sql<{ kind: FailureKind; pairType: string | null; count: number }>(
    db,
    'SELECT kind, pair_type AS pairType, count(*) AS count FROM failures WHERE evaluation_id = ? GROUP BY kind, pair_type ORDER BY kind, pair_type',
  ).all(evaluationId);
}
