import type { LabDatabase } from './db.js';
import { bumpDatasetRevision } from './datasets-repo.js';
import { sql } from './statements.js';

// Manual tags on images. The tags "easy" and "hard" force an image to that side of every split
// (unless a rule turns manual tags off); "exclude" keeps it out of both sides.

export function addTag(db: LabDatabase, datasetId: number, imageIds: readonly number[], tag: string): void {
  const insert = sql(
    db,
    `INSERT OR IGNORE INTO image_tags (dataset_id, tag, image_id)
    SELECT dataset_id, ?, id FROM images WHERE id = ? AND dataset_id = ?`,
  );
  db.transaction(() => {
    for (const id of imageIds) insert.run(tag, id, datasetId);
    bumpDatasetRevision(db, datasetId);
  })();
}

export function removeTag(db: LabDatabase, datasetId: number, imageIds: readonly number[], tag: string): void {
  const remove = sql(db, 'DELETE FROM image_tags WHERE dataset_id = ? AND tag = ? AND image_id = ?');
  db.transaction(() => {
    for (const id of imageIds) remove.run(datasetId, tag, id);
    bumpDatasetRevision(db, datasetId);
  })();
}

export function tagsOf(db: LabDatabase, imageId: number): string[] {
  return sql<{ tag: string }>(db, 'SELECT tag FROM image_tags WHERE image_id = ? ORDER BY tag')
    .all(imageId)
    .map((r) => r.tag);
}

/** Every tag of a dataset with the ids of its images. */
export function datasetTags(db: LabDatabase, datasetId: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of sql<{ tag: string; image_id: number }>(
    db,
    'SELECT tag, image_id FROM image_tags WHERE dataset_id = ?',
  ).iterate(datasetId)) {
    let list = out.get(r.tag);
    if (!list) out.set(r.tag, (list = []));
    list.push(r.image_id);
  }
  return out;
}
