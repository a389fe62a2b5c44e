import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { insertFakeSplit } from '../../train/test-support/fake-dataset.js';
import { insertAttributeValues } from '../attributes-repo.js';
import { createDataset, deleteDataset } from '../datasets-repo.js';
import { databasePath, openDatabase, openLabDatabase, schemaVersion, type LabDatabase } from '../db.js';
import { insertEvaluation } from '../evaluations-repo.js';
import { readLabId } from '../lab-meta.js';
import { insertPairList } from '../pairs-repo.js';
import { deleteRunRecord, insertRun } from '../runs-repository.js';
import { deleteSplit, insertSplit } from '../splits-repo.js';
import { addTag } from '../tags-repo.js';
import { migration001 } from './001-datasets.js';
import { migration002 } from './002-runs.js';
import { migration003 } from './003-evaluations.js';
import { migrations } from './index.js';

// Migration 4 on a real lab made by migrations 1-3 with rows in every table that refers to
// datasets or splits: nothing lost, every foreign key intact, cascades still work, ids never reused.

const dirs: string[] = [];
const open: LabDatabase[] = [];
afterEach(() => {
  open.splice(0).forEach((db) => db.open && db.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddl-m004-'));
  dirs.push(dir);
  return dir;
}
const count = (db: LabDatabase, table: string) =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const tables = [
  'datasets',
  'images',
  'identities',
  'image_attributes',
  'image_tags',
  'splits',
  'split_members',
  'pair_lists',
  'pairs',
  'runs',
  'evaluations',
];

/** A schema-3 lab with two datasets, splits, pairs, attributes, tags, runs and an evaluation. */
function oldLab(dir: string) {
  const db = openDatabase(databasePath(dir), [migration001, migration002, migration003]);
  const made = [1, 2].map(() => {
    const { datasetId, splitId } = insertFakeSplit(db, { identities: 3, easyPerIdentity: 2, hardIdentities: 2 });
    const imageIds = (
      db.prepare('SELECT id FROM images WHERE dataset_id = ? ORDER BY idx').all(datasetId) as { id: number }[]
    ).map((r) => r.id);
    insertAttributeValues(
      db,
      datasetId,
      imageIds.map((imageId, i) => ({ imageId, name: 'yaw', num: i * 10, text: null })),
    );
    addTag(db, datasetId, imageIds.slice(0, 2), 'blurry');
    const pairListId = insertPairList(
      db,
      datasetId,
      { name: 'pairs', source: 'pairs.csv', format: 'csv', folds: 1, skippedCount: 0 },
      [{ image1Id: imageIds[0]!, image2Id: imageIds[1]!, same: true, type: 'easy-easy', fold: null }],
    );
    const runId = insertRun(db, { datasetId, splitId, stage: 1, config: {}, seed: 1, totalSteps: 10 }).id;
    insertEvaluation(
      db,
      {
        runId,
        pairListId,
        datasetId,
        datasetRevision: 1,
        checkpointStep: 10,
        flipTest: false,
        seconds: 1,
        backend: 'cpu',
        typesSource: 'list',
        sidesSource: 'split',
        splitId,
        threshold: 0.4,
        thresholdSource: null,
        accuracy: 1,
        easyHardGap: 0,
        report: null,
        identification: null,
        failureCounts: [],
        hardness: null,
      } as unknown as Parameters<typeof insertEvaluation>[1],
      [],
      [],
    );
    return { datasetId, splitId, runId };
  });
  const counts = Object.fromEntries(tables.map((t) => [t, count(db, t)]));
  const datasetsBefore = db.prepare('SELECT * FROM datasets ORDER BY id').all();
  const splitsBefore = db.prepare('SELECT * FROM splits ORDER BY id').all();
  db.close();
  return { made, counts, datasetsBefore, splitsBefore };
}

describe('migration 4 (lab identity, ids never reused)', () => {
  it('upgrades a schema-3 lab with real rows: every row kept, foreign keys intact, a fresh lab id', () => {
    const dir = tempDir();
    const before = oldLab(dir);
    const db = openLabDatabase(dir);
    open.push(db);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(Object.fromEntries(tables.map((t) => [t, count(db, t)]))).toEqual(before.counts);
    // Every dataset kept as it was; later migrations add columns (cache_format: raw for every old dataset).
    expect(db.prepare('SELECT * FROM datasets ORDER BY id').all()).toEqual(
      (before.datasetsBefore as object[]).map((row) => ({ ...row, cache_format: 'raw' })),
    );
    expect(db.prepare('SELECT * FROM splits ORDER BY id').all()).toEqual(before.splitsBefore);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(readLabId(db)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The child tables still point at the rebuilt tables by name.
    const schema = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'images'").get() as { sql: string }).sql;
    expect(schema).toMatch(/REFERENCES datasets\(id\)/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '%_new'").all()).toEqual([]);
  });

  it('keeps the cascades: deleting an upgraded dataset deletes its images, attributes, splits, pairs, runs and evaluations', () => {
    const dir = tempDir();
    const before = oldLab(dir);
    const db = openLabDatabase(dir);
    open.push(db);
    const [first, second] = before.made;
    expect(deleteDataset(db, first!.datasetId)).toBe(true);
    for (const t of tables.filter((t) => t !== 'datasets'))
      expect([t, count(db, t)]).toEqual([t, before.counts[t]! / 2]);
    expect(db.prepare('SELECT id FROM runs').all()).toEqual([{ id: second!.runId }]);
    // A split deleted on its own takes its members with it.
    const members = count(db, 'split_members');
    expect(deleteSplit(db, second!.splitId)).toBe(true);
    expect(count(db, 'split_members')).toBe(members - before.counts.split_members! / 2);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('never reuses a dataset, split or run id: delete 3 and the next one is 4 (also after reopening)', () => {
    const dir = tempDir();
    oldLab(dir); // datasets 1-2, splits 1-2, runs 1-2, made before AUTOINCREMENT
    let db = openLabDatabase(dir);
    const dataset3 = createDataset(db, { name: 'd3', kind: 'imagefolder', root: '/x', maxPixels: 1 });
    const split3 = insertSplit(
      db,
      { datasetId: dataset3, name: 's', rule: {}, summary: {}, datasetRevision: 1 },
      { easy: [], hard: [] },
    );
    const run3 = insertRun(db, { datasetId: 1, splitId: 1, stage: 1, config: {}, seed: 1, totalSteps: 1 }).id;
    expect([dataset3, split3, run3]).toEqual([3, 3, 3]);
    deleteSplit(db, split3);
    deleteDataset(db, dataset3);
    deleteRunRecord(db, run3);
    db.close();

    db = openLabDatabase(dir);
    open.push(db);
    const dataset4 = createDataset(db, { name: 'd4', kind: 'imagefolder', root: '/x', maxPixels: 1 });
    const split4 = insertSplit(
      db,
      { datasetId: dataset4, name: 's', rule: {}, summary: {}, datasetRevision: 1 },
      { easy: [], hard: [] },
    );
    const run4 = insertRun(db, { datasetId: 1, splitId: 1, stage: 1, config: {}, seed: 1, totalSteps: 1 }).id;
    expect([dataset4, split4, run4]).toEqual([4, 4, 4]);
  });

  it('rolls back completely when a row would break a foreign key, and leaves foreign keys on', () => {
    const dir = tempDir();
    oldLab(dir);
    const raw = openDatabase(databasePath(dir), [migration001, migration002, migration003]);
    // A dangling row the old schema let in while foreign keys were off.
    raw.pragma('foreign_keys = OFF');
    raw.prepare("INSERT INTO image_tags (dataset_id, tag, image_id) VALUES (99, 'x', 1)").run();
    raw.close();
    expect(() => openLabDatabase(dir)).toThrow(
      /schema version 4 \(lab identity\) failed: 1 rows would refer to missing rows.*left at version 3/s,
    );
    const after = openDatabase(databasePath(dir), [migration001, migration002, migration003]);
    open.push(after);
    expect(schemaVersion(after)).toBe(3);
    expect(after.prepare("SELECT name FROM sqlite_master WHERE name IN ('lab_meta', 'datasets_new')").all()).toEqual(
      [],
    );
    expect(after.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});
