import type { Database } from 'better-sqlite3';

// The lab's identity: a UUID made when its database is created (or upgraded to schema 4). Pixel
// caches and run folders record it, so files left by another lab are never taken for this one's.

export function readLabId(db: Database): string {
  const row = db.prepare("SELECT value FROM lab_meta WHERE key = 'lab_id'").get() as { value: string } | undefined;
  if (!row) throw new Error(`The lab database ${db.name} has no lab id (lab_meta is empty); it is not a complete lab.`);
  return row.value;
}
