import type { LabDatabase } from './db.js';
import { nowIso, sql } from './statements.js';

export type DatasetKind = 'imagefolder' | 'list' | 'synth';
export type DatasetStatus = 'importing' | 'ready' | 'failed';

export interface DatasetRecord {
  id: number;
  name: string;
  kind: DatasetKind;
  /** Folder the images are read from (never modified). */
  root: string;
  listFile: string | null;
  attributesFile: string | null;
  status: DatasetStatus;
  error: string | null;
  imageCount: number;
  identityCount: number;
  badCount: number;
  /** Input sizes (px) that have a pixel cache. */
  inputSizes: number[];
  maxPixels: number;
  /** How the pixel cache stores rows (chosen at import): raw RGB or lossless PNG. */
  cacheFormat: 'raw' | 'png';
  /** Bumped whenever images, attributes or tags change: split evaluation caches key on it. */
  revision: number;
  createdAt: string;
  updatedAt: string;
}

interface DatasetRow {
  id: number;
  name: string;
  kind: DatasetKind;
  root: string;
  list_file: string | null;
  attributes_file: string | null;
  status: DatasetStatus;
  error: string | null;
  image_count: number;
  identity_count: number;
  bad_count: number;
  input_sizes: string;
  max_pixels: number;
  cache_format: 'raw' | 'png';
  revision: number;
  created_at: string;
  updated_at: string;
}

function toRecord(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    root: row.root,
    listFile: row.list_file,
    attributesFile: row.attributes_file,
    status: row.status,
    error: row.error,
    imageCount: row.image_count,
    identityCount: row.identity_count,
    badCount: row.bad_count,
    inputSizes: JSON.parse(row.input_sizes) as number[],
    maxPixels: row.max_pixels,
    cacheFormat: row.cache_format ?? 'raw',
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewDataset {
  name: string;
  kind: DatasetKind;
  root: string;
  listFile?: string | null;
  maxPixels: number;
  cacheFormat?: 'raw' | 'png';
}

export function createDataset(db: LabDatabase, dataset: NewDataset): number {
  const now = nowIso();
  const result = sql(
    db,
    `INSERT INTO datasets (name, kind, root, list_file, max_pixels, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(dataset.name, dataset.kind, dataset.root, dataset.listFile ?? null, dataset.maxPixels, now, now);
  const id = Number(result.lastInsertRowid);
  // The column defaults to raw (and so every dataset imported before formats existed is raw).
  if (dataset.cacheFormat && dataset.cacheFormat !== 'raw')
    sql(db, 'UPDATE datasets SET cache_format = ? WHERE id = ?').run(dataset.cacheFormat, id);
  return id;
}

export function getDataset(db: LabDatabase, id: number): DatasetRecord | undefined {
  const row = sql<DatasetRow>(db, 'SELECT * FROM datasets WHERE id = ?').get(id);
  return row ? toRecord(row) : undefined;
}

export function requireDataset(db: LabDatabase, id: number): DatasetRecord {
  const dataset = getDataset(db, id);
  if (!dataset) throw new Error(`No dataset with id ${id}; "ddl-lab dataset list" shows the datasets there are.`);
  return dataset;
}

/** A dataset by id ("3", 3) or by name (the newest of that name). */
export function findDataset(db: LabDatabase, idOrName: string | number): DatasetRecord | undefined {
  if (typeof idOrName === 'number' || /^\d+$/.test(idOrName)) {
    const byId = getDataset(db, Number(idOrName));
    if (byId) return byId;
  }
  const row = sql<DatasetRow>(db, 'SELECT * FROM datasets WHERE name = ? ORDER BY id DESC LIMIT 1').get(
    String(idOrName),
  );
  return row ? toRecord(row) : undefined;
}

export function listDatasets(db: LabDatabase): DatasetRecord[] {
  return sql<DatasetRow>(db, 'SELECT * FROM datasets ORDER BY id').all().map(toRecord);
}

export interface DatasetPatch {
  status?: DatasetStatus;
  error?: string | null;
  imageCount?: number;
  identityCount?: number;
  badCount?: number;
  inputSizes?: number[];
  attributesFile?: string | null;
  kind?: DatasetKind;
}

const patchColumns: Record<keyof DatasetPatch, string> = {
  status: 'status',
  error: 'error',
  imageCount: 'image_count',
  identityCount: 'identity_count',
  badCount: 'bad_count',
  inputSizes: 'input_sizes',
  attributesFile: 'attributes_file',
  kind: 'kind',
};

/** Updates the given fields and bumps the revision (anything cached about the dataset is stale). */
export function updateDataset(db: LabDatabase, id: number, patch: DatasetPatch): void {
  const keys = (Object.keys(patch) as (keyof DatasetPatch)[]).filter((k) => patch[k] !== undefined);
  const sets = keys.map((k) => `${patchColumns[k]} = ?`);
  const values = keys.map((k) => (k === 'inputSizes' ? JSON.stringify(patch[k]) : patch[k]));
  sql(db, `UPDATE datasets SET ${[...sets, 'revision = revision + 1', 'updated_at = ?'].join(', ')} WHERE id = ?`).run(
    ...values,
    nowIso(),
    id,
  );
}

export function bumpDatasetRevision(db: LabDatabase, id: number): void {
  updateDataset(db, id, {});
}

/** Forgets a dataset and everything recorded about it (cascades); files on disk are not touched. */
export function deleteDataset(db: LabDatabase, id: number): boolean {
  return sql(db, 'DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
}
