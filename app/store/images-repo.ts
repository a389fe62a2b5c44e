import type { LabDatabase } from './db.js';
import { sql } from './statements.js';

/** Measured attributes, computed from the decoded pixels at import. */
export interface MeasuredAttributes {
  width: number;
  height: number;
  sharpness: number;
  brightness: number;
  contrast: number;
}

/** Size and modification time: how the cache notices a file changed on disk. */
export interface FileFingerprint {
  fileSize: number;
  fileMtimeMs: number;
}

export interface NewImage extends MeasuredAttributes, FileFingerprint {
  /** Row of this image in the dataset's pixel caches, 0..N-1. */
  idx: number;
  /** Relative to the dataset root, '/'-separated; lossy (U+FFFD) when the name is not UTF-8. */
  path: string;
  /** The exact bytes of the relative path when `path` cannot represent them (non-UTF-8 names). */
  pathBytes: Buffer | null;
  identityIdx: number;
  sha1: string;
  format: string;
}

export interface ImageRecord extends NewImage {
  id: number;
  datasetId: number;
}

interface ImageRow {
  id: number;
  dataset_id: number;
  idx: number;
  path: string;
  path_bytes: Buffer | null;
  identity_idx: number;
  file_size: number;
  file_mtime_ms: number;
  sha1: string;
  format: string;
  width: number;
  height: number;
  sharpness: number;
  brightness: number;
  contrast: number;
}

function toRecord(row: ImageRow): ImageRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    idx: row.idx,
    path: row.path,
    pathBytes: row.path_bytes,
    identityIdx: row.identity_idx,
    fileSize: row.file_size,
    fileMtimeMs: row.file_mtime_ms,
    sha1: row.sha1,
    format: row.format,
    width: row.width,
    height: row.height,
    sharpness: row.sharpness,
    brightness: row.brightness,
    contrast: row.contrast,
  };
}

/** Inserts rows in one transaction; returns their ids in the same order. */
export function insertImages(db: LabDatabase, datasetId: number, images: readonly NewImage[]): number[] {
  const insert = sql(
    db,
    `INSERT INTO images (dataset_id, idx, path, path_bytes, identity_idx, file_size, file_mtime_ms, sha1,
    format, width, height, sharpness, brightness, contrast) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return db.transaction(() =>
    images.map((m) =>
      Number(
        insert.run(
          datasetId,
          m.idx,
          m.path,
          m.pathBytes,
          m.identityIdx,
          m.fileSize,
          m.fileMtimeMs,
          m.sha1,
          m.format,
          m.width,
          m.height,
          m.sharpness,
          m.brightness,
          m.contrast,
        ).lastInsertRowid,
      ),
    ),
  )();
}

export function getImage(db: LabDatabase, imageId: number): ImageRecord | undefined {
  const row = sql<ImageRow>(db, 'SELECT * FROM images WHERE id = ?').get(imageId);
  return row ? toRecord(row) : undefined;
}

/** Images of a dataset in cache order (idx), a window at a time. */
export function listImages(db: LabDatabase, datasetId: number, offset = 0, limit = 100): ImageRecord[] {
  return sql<ImageRow>(db, 'SELECT * FROM images WHERE dataset_id = ? ORDER BY idx LIMIT ? OFFSET ?')
    .all(datasetId, limit, offset)
    .map(toRecord);
}

/** Every image of a dataset in cache order, one row at a time (no whole-table array). */
export function* iterateImages(db: LabDatabase, datasetId: number): Generator<ImageRecord> {
  for (const row of sql<ImageRow>(db, 'SELECT * FROM images WHERE dataset_id = ? ORDER BY idx').iterate(datasetId)) {
    yield toRecord(row);
  }
}

export function imageCount(db: LabDatabase, datasetId: number): number {
  return (
    sql<{ n: number }>(db, 'SELECT count(*) AS n FROM images WHERE dataset_id = ?').get(datasetId) as { n: number }
  ).n;
}

/** After a file changed on disk: its new fingerprint, hash and measured attributes. */
export function updateImageFile(
  db: LabDatabase,
  imageId: number,
  update: FileFingerprint & MeasuredAttributes & { sha1: string; format: string },
): void {
  sql(
    db,
    `UPDATE images SET file_size = ?, file_mtime_ms = ?, sha1 = ?, format = ?, width = ?, height = ?, sharpness = ?,
    brightness = ?, contrast = ? WHERE id = ?`,
  ).run(
    update.fileSize,
    update.fileMtimeMs,
    update.sha1,
    update.format,
    update.width,
    update.height,
    update.sharpness,
    update.brightness,
    update.contrast,
    imageId,
  );
}

export interface IdentityRecord {
  idx: number;
  name: string;
  imageCount: number;
}

export function insertIdentities(db: LabDatabase, datasetId: number, identities: readonly IdentityRecord[]): void {
  const insert = sql(db, 'INSERT INTO identities (dataset_id, idx, name, image_count) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const i of identities) insert.run(datasetId, i.idx, i.name, i.imageCount);
  })();
}

/** Identities, largest first (or matching `search`, by name), a window at a time. */
export function listIdentities(
  db: LabDatabase,
  datasetId: number,
  options: { offset?: number; limit?: number; search?: string } = {},
): { total: number; items: IdentityRecord[] } {
  const { offset = 0, limit = 100, search } = options;
  const where = search ? "dataset_id = ? AND name LIKE ? ESCAPE '\\'" : 'dataset_id = ?';
  const params: unknown[] = search ? [datasetId, `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`] : [datasetId];
  const order = search ? 'name' : 'image_count DESC, idx';
  const total = (
    sql<{ n: number }>(db, `SELECT count(*) AS n FROM identities WHERE ${where}`).get(...params) as { n: number }
  ).n;
  const items = sql<{ idx: number; name: string; image_count: number }>(
    db,
    `SELECT idx, name, image_count FROM identities WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`,
  )
    .all(...params, limit, offset)
    .map((r) => ({ idx: r.idx, name: r.name, imageCount: r.image_count }));
  return { total, items };
}

/** Identity names by index (0..C-1). */
export function identityNames(db: LabDatabase, datasetId: number): string[] {
  return sql<{ name: string }>(db, 'SELECT name FROM identities WHERE dataset_id = ? ORDER BY idx')
    .all(datasetId)
    .map((r) => r.name);
}
