import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from './db.js';
import type { Migration } from './migrations/types.js';
import { migration001 } from './migrations/001-datasets.js';
import { createDataset, deleteDataset } from './datasets-repo.js';
import { insertImages } from './images-repo.js';
import { insertAttributeValues } from './attributes-repo.js';

const dirs: string[] = [];
function tempFile() {
  const dir = mkdtempSync(join(tmpdir(), 'ddl-db-'));
  dirs.push(dir);
  return join(dir, 'lab.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const v1: Migration = {
  version: 1,
  name: 'notes',
  up: (db) => db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)'),
};
const v2: Migration = {
  version: 2,
  name: 'notes.tag',
  up: (db) => db.exec("ALTER TABLE notes ADD COLUMN tag TEXT NOT NULL DEFAULT ''"),
};
const broken: Migration = {
  version: 3,
  name: 'broken',
  up: (db) => {
    db.exec('CREATE TABLE half (x)');
    db.exec('NOT SQL');
  },
};

describe('openDatabase / migrate', () => {
  it('opens in WAL mode and migrates an old-version file forward, keeping its rows', () => {
    const file = tempFile();
    const old = openDatabase(file, [v1]);
    old.prepare('INSERT INTO notes (text) VALUES (?)').run('kept');
    expect(old.pragma('journal_mode', { simple: true })).toBe('wal');
    old.close();

    const db = openDatabase(file, [v1, v2]);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT text, tag FROM notes').all()).toEqual([{ text: 'kept', tag: '' }]);
    db.close();
  });

  it('rolls back a failing migration and stays at the last good version', () => {
    const file = tempFile();
    const db = openDatabase(file, [v1, v2]);
    expect(() => migrate(db, [v1, v2, broken])).toThrow();
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a database newer than the code', () => {
    const file = tempFile();
    openDatabase(file, [v1, v2]).close();
    expect(() => openDatabase(file, [v1])).toThrow(/newer than this DDL Lab knows/);
  });
});

describe('migration 1 (datasets)', () => {
  it('upgrades a version-0 file to the dataset schema, and deleting a dataset cascades to its rows', () => {
    const file = tempFile();
    const empty = openDatabase(file, []);
    expect(schemaVersion(empty)).toBe(0);
    empty.close();

    const db = openDatabase(file, [migration001]);
    expect(schemaVersion(db)).toBe(1);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    ).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'datasets',
        'identities',
        'images',
        'attribute_columns',
        'image_attributes',
        'bad_files',
        'pair_lists',
        'pairs',
        'splits',
        'split_members',
        'image_tags',
      ]),
    );
    const datasetId = createDataset(db, { name: 'd', kind: 'imagefolder', root: '/x', maxPixels: 1000 });
    const [imageId] = insertImages(db, datasetId, [
      {
        idx: 0,
        path: 'a/1.jpg',
        pathBytes: null,
        identityIdx: 0,
        fileSize: 1,
        fileMtimeMs: 1,
        sha1: 'x',
        format: 'jpeg',
        width: 1,
        height: 1,
        sharpness: 0,
        brightness: 0,
        contrast: 0,
      },
    ]);
    insertAttributeValues(db, datasetId, [{ imageId: imageId!, name: 'yaw', num: 10, text: null }]);
    expect(deleteDataset(db, datasetId)).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM image_attributes').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM images').get()).toEqual({ n: 0 });
    db.close();
  });
});
