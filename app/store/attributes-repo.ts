import type { LabDatabase } from './db.js';
import { sql } from './statements.js';

export type AttributeKind = 'numeric' | 'categorical';

export interface AttributeColumn {
  name: string;
  kind: AttributeKind;
}

/** One attribute value of one image: `num` for numeric columns, `text` for categorical ones. */
export interface AttributeValue {
  imageId: number;
  name: string;
  num: number | null;
  text: string | null;
}

/** Replaces the dataset's attribute columns (file attributes; measured ones are columns of `images`). */
export function setAttributeColumns(db: LabDatabase, datasetId: number, columns: readonly AttributeColumn[]): void {
  db.transaction(() => {
    sql(db, 'DELETE FROM attribute_columns WHERE dataset_id = ?').run(datasetId);
    const insert = sql(db, 'INSERT INTO attribute_columns (dataset_id, name, kind, position) VALUES (?, ?, ?, ?)');
    columns.forEach((c, i) => insert.run(datasetId, c.name, c.kind, i));
  })();
}

export function attributeColumns(db: LabDatabase, datasetId: number): AttributeColumn[] {
  return sql<AttributeColumn>(
    db,
    'SELECT name, kind FROM attribute_columns WHERE dataset_id = ? ORDER BY position',
  ).all(datasetId);
}

export function insertAttributeValues(db: LabDatabase, datasetId: number, values: readonly AttributeValue[]): void {
  const insert = sql(
    db,
    'INSERT OR REPLACE INTO image_attributes (dataset_id, name, image_id, num, text) VALUES (?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const v of values) insert.run(datasetId, v.name, v.imageId, v.num, v.text);
  })();
}

/** One whole attribute column: a single index range scan. */
export function attributeValues(
  db: LabDatabase,
  datasetId: number,
  name: string,
): Array<{ imageId: number; num: number | null; text: string | null }> {
  return sql<{ imageId: number; num: number | null; text: string | null }>(
    db,
    'SELECT image_id AS imageId, num, text FROM image_attributes WHERE dataset_id = ? AND name = ?',
  ).all(datasetId, name);
}

/** Every file attribute of one image (missing ones are absent). */
export function imageAttributes(db: LabDatabase, imageId: number): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const r of sql<{ name: string; num: number | null; text: string | null }>(
    db,
    'SELECT name, num, text FROM image_attributes WHERE image_id = ?',
  ).all(imageId)) {
    const value = r.num ?? r.text;
    if (value !== null) out[r.name] = value;
  }
  return out;
}
