import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openLabDatabase, type LabDatabase } from '../store/db.js';
import { cacheDirVariable, cacheLocation } from './cache-location.js';
import { ensureImageCache } from './ensure-image-cache.js';
import { importDataset } from './import-dataset.js';
import { openPixelRows } from './pixel-cache-open.js';
import { datasetCacheDir, pixelCachePaths, readPixelCacheManifest } from './pixel-cache.js';
import { writeImageFolder } from './test-fixtures.js';

// Caches outside the data folder (DDL_LAB_CACHE_DIR, which --cache-dir sets) on real labs and
// files: new caches go there, one sub-folder per data folder; a cache already inside an older
// data folder is used where it is; a cache folder that disappears is rebuilt, saying so.

let dir: string;
let faces: string;
const saved = process.env[cacheDirVariable];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cache-location-'));
  faces = join(dir, 'faces');
  await writeImageFolder(faces, { identities: 2, perIdentity: 3 });
});
afterEach(() => {
  if (saved === undefined) delete process.env[cacheDirVariable];
  else process.env[cacheDirVariable] = saved;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lab(name: string): { db: LabDatabase; dataDir: string } {
  const dataDir = join(dir, name);
  return { db: openLabDatabase(dataDir), dataDir };
}

describe('cache location', () => {
  it('puts new caches under DDL_LAB_CACHE_DIR, one folder per data folder, and nothing in the data folder', async () => {
    const caches = join(dir, 'caches');
    process.env[cacheDirVariable] = caches;
    const a = lab('lab-a');
    const b = lab('lab-b');
    await importDataset({ db: a.db, root: faces, inputSize: 16 });
    await importDataset({ db: b.db, root: faces, inputSize: 16, cacheFormat: 'png' });
    expect(cacheLocation(a.dataDir)).toMatchObject({ source: cacheDirVariable });
    expect(readdirSync(caches)).toHaveLength(2);
    expect(datasetCacheDir(a.dataDir, 1)).toBe(join(cacheLocation(a.dataDir).dir, 'dataset-1'));
    expect(existsSync(pixelCachePaths(a.dataDir, 1, 16).pixels)).toBe(true);
    expect(existsSync(pixelCachePaths(b.dataDir, 1, 16, 'png').pixels)).toBe(true);
    expect(existsSync(join(a.dataDir, 'cache'))).toBe(false);
    const rows = openPixelRows(b.dataDir, 1, 16, { decodeWorkers: 0 });
    expect(rows.row(5)).toHaveLength(16 * 16 * 3);
    rows.close();
    a.db.close();
    b.db.close();
  });

  it('keeps using a cache inside an older data folder where it is, nothing moved', async () => {
    delete process.env[cacheDirVariable];
    const old = lab('lab-old');
    await importDataset({ db: old.db, root: faces, inputSize: 16 });
    const inside = join(old.dataDir, 'cache', 'dataset-1');
    expect(existsSync(join(inside, 'rgb-16.u8'))).toBe(true);
    process.env[cacheDirVariable] = join(dir, 'caches-later');
    expect(datasetCacheDir(old.dataDir, 1)).toBe(inside);
    const ensured = await ensureImageCache(old.db, 1, 16, { dataDir: old.dataDir });
    expect([ensured.built, ensured.rebuiltBecause]).toEqual([false, undefined]);
    expect(existsSync(join(dir, 'caches-later'))).toBe(false);
    // A new size of the same dataset is written beside the old ones (its dataset folder is in the data folder).
    await ensureImageCache(old.db, 1, 24, { dataDir: old.dataDir });
    expect(existsSync(join(inside, 'rgb-24.u8'))).toBe(true);
    old.db.close();
  });

  it('rebuilds a cache whose folder disappeared, and says so', async () => {
    process.env[cacheDirVariable] = join(dir, 'caches-lost');
    const l = lab('lab-lost');
    await importDataset({ db: l.db, root: faces, inputSize: 16, cacheFormat: 'png' });
    const before = readPixelCacheManifest(l.dataDir, 1, 16)!;
    rmSync(join(dir, 'caches-lost'), { recursive: true });
    const ensured = await ensureImageCache(l.db, 1, 16, { dataDir: l.dataDir });
    expect(ensured.built).toBe(true);
    expect(ensured.rebuiltBecause).toBe(
      `the 16×16 pixel cache is no longer in ${datasetCacheDir(l.dataDir, 1)} (its folder was deleted or moved); it was rebuilt from the image files`,
    );
    expect(readPixelCacheManifest(l.dataDir, 1, 16)).toMatchObject({ encoding: 'png', count: before.count });
    l.db.close();
  });
});
