import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLabDatabase, type LabDatabase } from '../store/db.js';
import { readLabId } from '../store/lab-meta.js';
import { ensureImageCache } from './ensure-image-cache.js';
import { importDataset } from './import-dataset.js';
import { datasetCacheDir, PixelCacheReader, pixelCachePaths, readPixelCacheManifest } from './pixel-cache.js';
import { writeImageFolder } from './test-fixtures.js';

// A pixel cache records the lab that wrote it. Two real labs each import a different 6-image
// dataset as dataset 1; the first lab's cache folder left in the second lab's data folder (what a
// lost and recreated database used to produce) must never be read as the second lab's pixels.

let dir: string;
let other: LabDatabase;
let lab: LabDatabase;
let labDir: string;
let ownPixels: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cache-lab-'));
  await writeImageFolder(join(dir, 'faces-a'), { identities: 2, perIdentity: 3 });
  await writeImageFolder(join(dir, 'faces-b'), { identities: 3, perIdentity: 2 });
  other = openLabDatabase(join(dir, 'lab-a'));
  labDir = join(dir, 'lab-b');
  lab = openLabDatabase(labDir);
  expect((await importDataset({ db: other, root: join(dir, 'faces-a'), inputSize: 16 })).id).toBe(1);
  expect((await importDataset({ db: lab, root: join(dir, 'faces-b'), inputSize: 16 })).id).toBe(1);
  ownPixels = readFileSync(pixelCachePaths(labDir, 1, 16).pixels);
});
afterAll(() => {
  other.close();
  lab.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Puts the other lab's dataset-1 cache where this lab's is. */
function leaveOtherLabsCache(): void {
  rmSync(datasetCacheDir(labDir, 1), { recursive: true });
  cpSync(datasetCacheDir(join(dir, 'lab-a'), 1), datasetCacheDir(labDir, 1), { recursive: true });
  expect(readFileSync(pixelCachePaths(labDir, 1, 16).pixels).equals(ownPixels)).toBe(false);
}

function rewriteManifest(change: (m: Record<string, unknown>) => void): void {
  const file = pixelCachePaths(labDir, 1, 16).manifest;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(manifest);
  writeFileSync(file, JSON.stringify(manifest));
}

describe('pixel cache lab id', () => {
  it('records the importing lab in the manifest', () => {
    expect(readPixelCacheManifest(labDir, 1, 16)!.labId).toBe(readLabId(lab));
    expect(readLabId(lab)).not.toBe(readLabId(other));
  });

  it("refuses to read another lab's cache, and ensureImageCache rebuilds it from this lab's files, saying why", async () => {
    leaveOtherLabsCache();
    expect(() => PixelCacheReader.open(labDir, 1, 16, { labId: readLabId(lab) })).toThrow(
      new RegExp(`written by another lab \\(lab id ${readLabId(other)}; this lab is ${readLabId(lab)}\\)`),
    );
    const result = await ensureImageCache(lab, 1, 16);
    expect(result.built).toBe(true);
    expect(result.rebuiltBecause).toContain(`was written by another lab (lab id ${readLabId(other)}`);
    expect(readFileSync(pixelCachePaths(labDir, 1, 16).pixels).equals(ownPixels)).toBe(true);
    expect(readPixelCacheManifest(labDir, 1, 16)!.labId).toBe(readLabId(lab));
  });

  it('rebuilds a cache from before lab ids that is older than the dataset (an earlier dataset 1)', async () => {
    leaveOtherLabsCache();
    rewriteManifest((m) => {
      delete m.labId;
      m.createdAt = '2020-01-01T00:00:00.000Z';
    });
    const result = await ensureImageCache(lab, 1, 16);
    expect(result.rebuiltBecause).toMatch(/is older than dataset 1 .*an earlier dataset with the same id/);
    expect(readFileSync(pixelCachePaths(labDir, 1, 16).pixels).equals(ownPixels)).toBe(true);
  });

  it('keeps a cache from before lab ids written after its dataset, and records the lab id in it', async () => {
    rewriteManifest((m) => {
      delete m.labId;
    });
    const result = await ensureImageCache(lab, 1, 16);
    expect([result.built, result.rebuiltBecause]).toEqual([false, undefined]);
    expect(readPixelCacheManifest(labDir, 1, 16)!.labId).toBe(readLabId(lab));
  });
});
