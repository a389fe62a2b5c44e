import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheLocation } from '../data/cache-location.js';
import { importDataset } from '../data/import-dataset.js';
import { readPixelCacheManifest } from '../data/pixel-cache.js';
import { writeImageFolder } from '../data/test-fixtures.js';
import { openLabDatabase } from '../store/db.js';
import { readLabId } from '../store/lab-meta.js';
import { planLabReset, resetLab } from './lab.js';

// `ddl-lab lab reset` on a lab whose pixel caches are in the cache folder, outside the data
// folder: they are renamed aside where they are (nothing deleted), so the new lab starts with an
// empty cache folder and the old lab's caches stay whole beside it.

let dir: string;
let faces: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-reset-caches-'));
  faces = join(dir, 'faces');
  await writeImageFolder(faces, { identities: 2, perIdentity: 2 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lab reset with caches outside the data folder', () => {
  it('renames the cache folder to <folder>-reset-<time>, keeps its files, and the new lab writes a fresh one', async () => {
    const dataDir = join(dir, 'lab');
    const db = openLabDatabase(dataDir);
    const oldLabId = readLabId(db);
    await importDataset({ db, root: faces, inputSize: 16 });
    db.close();
    const caches = cacheLocation(dataDir).dir;
    expect(existsSync(join(caches, 'dataset-1', 'rgb-16.u8'))).toBe(true);
    // The database is lost; a run folder remains: an orphaned lab.
    mkdirSync(join(dataDir, 'runs', '1'), { recursive: true });
    writeFileSync(join(dataDir, 'runs', '1', 'worker.log'), 'old run');
    rmSync(join(dataDir, 'lab.sqlite'));

    const plan = planLabReset(dataDir);
    expect(plan).toMatchObject({ state: 'orphaned', entries: ['runs'], cacheFolders: [caches] });
    const result = resetLab(dataDir, plan);
    expect(result.moved).toEqual(['runs']);
    expect(result.cachesMovedTo).toHaveLength(1);
    const [movedCaches] = result.cachesMovedTo;
    expect(dirname(movedCaches!)).toBe(dirname(caches));
    expect(basename(movedCaches!)).toBe(`${basename(caches)}-reset-${basename(result.movedTo).slice('reset-'.length)}`);
    expect(existsSync(caches)).toBe(false);
    expect(readdirSync(join(movedCaches!, 'dataset-1')).sort()).toEqual(['rgb-16.json', 'rgb-16.u8']);

    const fresh = openLabDatabase(dataDir);
    expect(readLabId(fresh)).not.toBe(oldLabId);
    await importDataset({ db: fresh, root: faces, inputSize: 16 });
    expect(readPixelCacheManifest(dataDir, 1, 16)!.labId).toBe(readLabId(fresh));
    expect(existsSync(join(movedCaches!, 'dataset-1', 'rgb-16.u8'))).toBe(true);
    fresh.close();
  });

  it('a healthy lab is not reset, and its caches are left where they are', async () => {
    const dataDir = join(dir, 'healthy');
    const db = openLabDatabase(dataDir);
    await importDataset({ db, root: faces, inputSize: 16 });
    db.close();
    const plan = planLabReset(dataDir);
    expect(plan).toMatchObject({ state: 'healthy', cacheFolders: [cacheLocation(dataDir).dir] });
    expect(() => resetLab(dataDir, plan)).toThrow(/passes SQLite's check/);
    expect(existsSync(join(cacheLocation(dataDir).dir, 'dataset-1', 'rgb-16.u8'))).toBe(true);
  });
});
