import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLabDatabase, type LabDatabase } from '../store/db.js';
import { cacheDirVariable, cacheLocation } from './cache-location.js';
import { cacheUsage } from './cache-usage.js';
import { ensureImageCache } from './ensure-image-cache.js';
import { importDataset } from './import-dataset.js';
import { openPixelRows } from './pixel-cache-open.js';
import { datasetCacheDir, pixelCachePaths, readPixelCacheManifest, removeDatasetCache } from './pixel-cache.js';
import { writeImageFolder } from './test-fixtures.js';

// Where pixel caches go, on real labs and files: by default the platform's per-user cache folder
// (here Linux's XDG_CACHE_HOME rule), DDL_LAB_CACHE_DIR (which --cache-dir sets) over it, one
// sub-folder per data folder either way; a cache already inside an older data folder is used
// where it is; a cache folder that disappears is rebuilt, saying so.

let dir: string;
let faces: string;
let xdg: string;
const saved = { cacheDir: process.env[cacheDirVariable], xdg: process.env.XDG_CACHE_HOME };
// env-paths reads XDG_CACHE_HOME on Linux (and the BSDs) only.
const xdgRule = process.platform !== 'darwin' && process.platform !== 'win32';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cache-location-'));
  faces = join(dir, 'faces');
  await writeImageFolder(faces, { identities: 2, perIdentity: 3 });
});
beforeEach(() => {
  // The platform cache folder of these tests: a fresh one each, under the temp folder.
  xdg = mkdtempSync(join(dir, 'xdg-'));
  process.env.XDG_CACHE_HOME = xdg;
  delete process.env[cacheDirVariable];
});
afterEach(() => {
  for (const [name, value] of [
    [cacheDirVariable, saved.cacheDir],
    ['XDG_CACHE_HOME', saved.xdg],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lab(name: string): { db: LabDatabase; dataDir: string } {
  const dataDir = join(dir, name);
  return { db: openLabDatabase(dataDir), dataDir };
}

/** The sub-folder a data folder's caches get, computed here independently: `<name>-<sha1 of its path, 12 hex>`. */
function expectedFolder(dataDir: string, name: string): string {
  return `${name}-${createHash('sha1').update(resolve(dataDir)).digest('hex').slice(0, 12)}`;
}

describe('cache location', () => {
  it.skipIf(!xdgRule)(
    'by default puts caches in $XDG_CACHE_HOME/ddl-lab/<name>-<hash>/, a folder per data folder (even of the same name), nothing in the data folder (XDG rule: Linux only)',
    async () => {
      const a = lab(join('one', 'lab'));
      const b = lab(join('two', 'lab'));
      await importDataset({ db: a.db, root: faces, inputSize: 16 });
      await importDataset({ db: b.db, root: faces, inputSize: 16, cacheFormat: 'png' });
      const root = join(xdg, 'ddl-lab');
      expect(cacheLocation(a.dataDir)).toEqual({
        dir: join(root, expectedFolder(a.dataDir, 'lab')),
        source: 'platform cache folder',
      });
      expect(cacheLocation(b.dataDir).dir).toBe(join(root, expectedFolder(b.dataDir, 'lab')));
      expect(cacheLocation(a.dataDir).dir).not.toBe(cacheLocation(b.dataDir).dir);
      expect(readdirSync(root).sort()).toEqual(
        [expectedFolder(a.dataDir, 'lab'), expectedFolder(b.dataDir, 'lab')].sort(),
      );
      expect(existsSync(join(root, expectedFolder(a.dataDir, 'lab'), 'dataset-1', 'rgb-16.u8'))).toBe(true);
      expect(existsSync(join(root, expectedFolder(b.dataDir, 'lab'), 'dataset-1', 'png-16.bin'))).toBe(true);
      expect(existsSync(join(root, expectedFolder(b.dataDir, 'lab'), 'dataset-1', 'rgb-16.u8'))).toBe(false);
      for (const l of [a, b]) expect(existsSync(join(l.dataDir, 'cache'))).toBe(false);
      const rows = openPixelRows(b.dataDir, 1, 16, { decodeWorkers: 0 });
      expect(rows.row(5)).toHaveLength(16 * 16 * 3);
      rows.close();
      expect(cacheUsage(a.dataDir)).toEqual([
        {
          dir: cacheLocation(a.dataDir).dir,
          where: 'outside',
          datasets: [1],
          bytes: expect.any(Number) as number,
        },
      ]);
      expect(cacheUsage(a.dataDir)[0]!.bytes).toBeGreaterThanOrEqual(6 * 16 * 16 * 3);
      a.db.close();
      b.db.close();
    },
  );

  it('puts new caches under DDL_LAB_CACHE_DIR when set, one folder per data folder, and nothing in the platform folder', async () => {
    const caches = join(dir, 'caches');
    process.env[cacheDirVariable] = caches;
    const a = lab('lab-a');
    const b = lab('lab-b');
    await importDataset({ db: a.db, root: faces, inputSize: 16 });
    await importDataset({ db: b.db, root: faces, inputSize: 16, cacheFormat: 'png' });
    expect(cacheLocation(a.dataDir)).toEqual({
      dir: join(caches, expectedFolder(a.dataDir, 'lab-a')),
      source: cacheDirVariable,
    });
    expect(readdirSync(caches)).toHaveLength(2);
    expect(datasetCacheDir(a.dataDir, 1)).toBe(join(cacheLocation(a.dataDir).dir, 'dataset-1'));
    expect(existsSync(pixelCachePaths(a.dataDir, 1, 16).pixels)).toBe(true);
    expect(existsSync(pixelCachePaths(b.dataDir, 1, 16, 'png').pixels)).toBe(true);
    expect(existsSync(join(a.dataDir, 'cache'))).toBe(false);
    expect(readdirSync(xdg)).toEqual([]);
    a.db.close();
    b.db.close();
  });

  it('keeps using a cache inside the data folder (where earlier versions put it), nothing moved or written elsewhere', async () => {
    const old = lab('lab-old');
    await importDataset({ db: old.db, root: faces, inputSize: 16 });
    // What an earlier version left: the dataset's cache folder inside the data folder.
    const inside = join(old.dataDir, 'cache', 'dataset-1');
    const outside = datasetCacheDir(old.dataDir, 1);
    mkdirSync(join(old.dataDir, 'cache'));
    renameSync(outside, inside);
    const before = readPixelCacheManifest(old.dataDir, 1, 16)!;
    expect(datasetCacheDir(old.dataDir, 1)).toBe(inside);
    expect(cacheUsage(old.dataDir)).toMatchObject([
      { dir: join(old.dataDir, 'cache'), where: 'data folder', datasets: [1] },
    ]);
    process.env[cacheDirVariable] = join(dir, 'caches-later');
    expect(datasetCacheDir(old.dataDir, 1)).toBe(inside);
    const ensured = await ensureImageCache(old.db, 1, 16, { dataDir: old.dataDir });
    expect([ensured.built, ensured.rebuiltBecause]).toEqual([false, undefined]);
    expect(readPixelCacheManifest(old.dataDir, 1, 16)).toEqual(before);
    const rows = openPixelRows(old.dataDir, 1, 16, { decodeWorkers: 0 });
    expect(rows.row(0)).toHaveLength(16 * 16 * 3);
    rows.close();
    // A new size of the same dataset is written beside the old ones (its dataset folder is in the data folder).
    await ensureImageCache(old.db, 1, 24, { dataDir: old.dataDir });
    expect(existsSync(join(inside, 'rgb-24.u8'))).toBe(true);
    expect(existsSync(join(dir, 'caches-later'))).toBe(false);
    expect(existsSync(outside)).toBe(false);
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

  it('refuses an import whose cache folder cannot be made, naming it and --cache-dir, and records nothing', async () => {
    // A file where the cache root should be: the folder cannot be made, whoever runs the test.
    const blocked = join(dir, 'blocked-caches');
    writeFileSync(blocked, 'not a folder');
    process.env[cacheDirVariable] = blocked;
    const l = lab('lab-blocked');
    const folder = join(blocked, expectedFolder(l.dataDir, 'lab-blocked'), 'dataset-1');
    await expect(importDataset({ db: l.db, root: faces, inputSize: 16 })).rejects.toThrow(
      `Cannot create the pixel cache folder ${folder} (ENOTDIR: not a directory, mkdir '${folder}'). Make that folder writable, or keep pixel caches elsewhere: --cache-dir DIR on the command line, or the DDL_LAB_CACHE_DIR environment variable.`,
    );
    expect(l.db.prepare('SELECT COUNT(*) AS n FROM datasets').get()).toEqual({ n: 0 });
    l.db.close();
  });

  it("removeDatasetCache deletes a dataset's cache wherever it is, and only that dataset's", () => {
    const dataDir = join(dir, 'lab-scattered');
    process.env[cacheDirVariable] = join(dir, 'caches-scattered');
    const inside = join(dataDir, 'cache', 'dataset-3');
    const underVariable = join(cacheLocation(dataDir).dir, 'dataset-3');
    delete process.env[cacheDirVariable];
    const platform = join(cacheLocation(dataDir).dir, 'dataset-3');
    const other = join(cacheLocation(dataDir).dir, 'dataset-4');
    for (const folder of [inside, underVariable, platform, other]) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'rgb-16.u8'), Buffer.alloc(16 * 16 * 3));
    }
    process.env[cacheDirVariable] = join(dir, 'caches-scattered');
    expect(removeDatasetCache(dataDir, 3)).toEqual([inside, underVariable, platform]);
    for (const folder of [inside, underVariable, platform]) expect(existsSync(folder)).toBe(false);
    expect(existsSync(join(other, 'rgb-16.u8'))).toBe(true);
    expect(removeDatasetCache(dataDir, 3)).toEqual([]);
  });
});
