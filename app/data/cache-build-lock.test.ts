import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLabDatabase, type LabDatabase } from '../store/db.js';
import { acquireCacheBuildLock } from './cache-build-lock.js';
import { ensureImageCache } from './ensure-image-cache.js';
import { importDataset } from './import-dataset.js';
import { pixelCachePaths, readPixelCacheManifest } from './pixel-cache.js';
import { writeImageFolder } from './test-fixtures.js';

// Two evaluations of different runs on the same dataset need the same missing pixel cache at once
// (evaluating any run on any dataset's pair list makes this common): one builds it, the other waits
// and finds it, instead of failing on the rename of a `.partial` file the first already moved.

let dir: string;
let db: LabDatabase;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cache-lock-'));
  await writeImageFolder(join(dir, 'faces'), { identities: 3, perIdentity: 4 });
  db = openLabDatabase(join(dir, 'lab'));
  await importDataset({ db, root: join(dir, 'faces'), inputSize: 16 });
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pixel cache build lock', () => {
  it('two builds of the same missing cache at once both succeed, and the cache is whole', async () => {
    const both = await Promise.all([
      ensureImageCache(db, 1, 24, { dataDir: join(dir, 'lab'), verify: false }),
      ensureImageCache(db, 1, 24, { dataDir: join(dir, 'lab'), verify: false }),
    ]);
    expect(both.map((r) => r.built).sort()).toEqual([false, true]); // one built it, the other found it
    const paths = pixelCachePaths(join(dir, 'lab'), 1, 24);
    expect(readPixelCacheManifest(join(dir, 'lab'), 1, 24)?.count).toBe(12);
    expect(readFileSync(paths.pixels).length).toBe(12 * 24 * 24 * 3);
    expect(existsSync(`${paths.pixels}.lock`)).toBe(false);
    expect(existsSync(`${paths.pixels}.partial`)).toBe(false);
  });

  it('takes over a lock left by a process that is gone', async () => {
    const lock = join(dir, 'stale.lock');
    writeFileSync(lock, '999999999'); // no such process
    const release = await acquireCacheBuildLock(lock);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(lock)).toBe(false);
  });
});
