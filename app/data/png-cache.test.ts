import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDataset } from '../store/datasets-repo.js';
import { openLabDatabase, type LabDatabase } from '../store/db.js';
import { ensureImageCache } from './ensure-image-cache.js';
import { importDataset } from './import-dataset.js';
import { PngCacheReader } from './png-cache.js';
import { decodePngRow, encodePngRow } from './png-rows.js';
import { openPixelRows } from './pixel-cache-open.js';
import { PixelCacheReader, parseCacheFormat, pixelCachePaths, readPixelCacheManifest } from './pixel-cache.js';
import { writeImageFolder } from './test-fixtures.js';

// The png pixel cache on real files: the same folder imported raw and png into one real lab must
// give the very same bytes for every image, read row by row or decoded in parallel by worker
// threads; a changed file is re-encoded in place; a damaged cache fails naming its file.

let dir: string;
let db: LabDatabase;
let rawId: number;
let pngId: number;
const size = 24;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-png-cache-'));
  await writeImageFolder(join(dir, 'faces'), { identities: 4, perIdentity: 5, size: 40, format: 'jpeg' });
  db = openLabDatabase(join(dir, 'lab'));
  rawId = (await importDataset({ db, root: join(dir, 'faces'), name: 'raw', inputSize: size })).id;
  pngId = (await importDataset({ db, root: join(dir, 'faces'), name: 'png', inputSize: size, cacheFormat: 'png' })).id;
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const labDir = () => join(dir, 'lab');

describe('png rows', () => {
  it('encodes PNGs that sharp decodes to the same bytes, and decodes the PNGs sharp writes', async () => {
    const rgb = new Uint8Array(17 * 17 * 3).map((_, i) => (i * 37 + (i >> 5) * 11) & 255);
    const ours = await encodePngRow(rgb, 17);
    expect(Buffer.compare(await sharp(ours).raw().toBuffer(), Buffer.from(rgb))).toBe(0);
    const theirs = await sharp(rgb, { raw: { width: 17, height: 17, channels: 3 } })
      .png({ adaptiveFiltering: true })
      .toBuffer();
    const out = new Uint8Array(rgb.length);
    decodePngRow(theirs, 17, out);
    expect(Buffer.compare(Buffer.from(out), Buffer.from(rgb))).toBe(0);
  });

  it('round-trips every PNG filter, first row and first pixel included', async () => {
    const rgb = new Uint8Array(9 * 9 * 3).map((_, i) => (i * 101 + ((i * i) >> 3)) & 255);
    for (const filter of [0, 1, 2, 3, 4] as const) {
      const png = await encodePngRow(rgb, 9, { filter });
      const out = new Uint8Array(rgb.length);
      decodePngRow(png, 9, out);
      expect([filter, Buffer.compare(Buffer.from(out), Buffer.from(rgb))]).toEqual([filter, 0]);
      expect([filter, Buffer.compare(await sharp(png).raw().toBuffer(), Buffer.from(rgb))]).toEqual([filter, 0]);
    }
  });

  it('refuses a PNG of another layout with the reason', async () => {
    const rgba = await sharp(Buffer.alloc(8 * 8 * 4, 200), { raw: { width: 8, height: 8, channels: 4 } })
      .png()
      .toBuffer();
    expect(() => decodePngRow(rgba, 8, new Uint8Array(8 * 8 * 3))).toThrow(/not 8x8 8-bit RGB/);
    expect(() => decodePngRow(Buffer.from('not a png'), 8, new Uint8Array(192))).toThrow(/not a PNG/);
  });
});

describe('png pixel cache', () => {
  it('is chosen per dataset at import, and bad format names are refused naming the value', () => {
    expect(requireDataset(db, rawId).cacheFormat).toBe('raw');
    expect(requireDataset(db, pngId).cacheFormat).toBe('png');
    expect(readPixelCacheManifest(labDir(), pngId, size)).toMatchObject({ encoding: 'png', count: 20 });
    expect(readPixelCacheManifest(labDir(), rawId, size)!.encoding).toBeUndefined();
    expect(() => parseCacheFormat('jpeg')).toThrow('--cache "jpeg" is not a cache format; use one of: raw, png.');
  });

  it('rejects an unknown format at import before anything is written', async () => {
    await expect(
      importDataset({ db, root: join(dir, 'faces'), name: 'bad', inputSize: size, cacheFormat: 'webp' as 'png' }),
    ).rejects.toThrow('cacheFormat "webp" is not a cache format');
  });

  it('gives every image the same bytes as the raw cache, read row by row or decoded by 0, 1 and 2 workers', () => {
    const raw = PixelCacheReader.open(labDir(), rawId, size);
    const rawRows = Array.from({ length: raw.count }, (_, i) => Buffer.from(raw.row(i)));
    raw.close();
    const png = openPixelRows(labDir(), pngId, size, { decodeWorkers: 0 });
    expect(png).toBeInstanceOf(PngCacheReader);
    rawRows.forEach((row, i) => expect(Buffer.compare(Buffer.from(png.row(i)), row)).toBe(0));
    png.close();
    for (const workers of [1, 2]) {
      const pool = PngCacheReader.open(labDir(), pngId, size, { decodeWorkers: workers });
      expect(pool.threads).toBe(workers + 1);
      // Several batches, with repeats, so later batches run on the same workers and buffers.
      for (let round = 0; round < 4; round++) {
        const batch = Array.from({ length: 12 + round * 5 }, (_, k) => (k * 7 + round * 3) % rawRows.length);
        pool.prefetch(batch);
        for (const idx of batch) expect(Buffer.compare(Buffer.from(pool.row(idx)), rawRows[idx]!)).toBe(0);
      }
      // A long batch (rows repeat): the helper threads do part of it, and every row is still right.
      const long = Array.from({ length: 3000 }, (_, k) => (k * 13) % rawRows.length);
      const pixels = pool.decoder.decode(long);
      long.forEach((idx, k) =>
        expect(
          Buffer.compare(Buffer.from(pixels.subarray(k * pool.rowBytes, (k + 1) * pool.rowBytes)), rawRows[idx]!),
        ).toBe(0),
      );
      expect(pool.decoder.rowsByHelpers).toBeGreaterThan(0);
      pool.close();
    }
  });

  it('takes less disk than raw rows', () => {
    const png = pixelCachePaths(labDir(), pngId, size, 'png');
    const raw = pixelCachePaths(labDir(), rawId, size);
    expect(statSync(png.pixels).size).toBeLessThan(statSync(raw.pixels).size);
    expect(statSync(png.index!).size).toBe(20 * 16);
  });

  it('re-encodes the row of a file changed on disk, like the raw cache', async () => {
    const record = db.prepare('SELECT path, idx FROM images WHERE dataset_id = ? ORDER BY idx LIMIT 1').get(pngId) as {
      path: string;
      idx: number;
    };
    const file = join(dir, 'faces', record.path);
    const original = readFileSync(file);
    try {
      writeFileSync(
        file,
        await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 250, g: 10, b: 10 } } })
          .jpeg()
          .toBuffer(),
      );
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const result = await ensureImageCache(db, pngId, size, { dataDir: labDir() });
      expect(result.changed.map((c) => c.path)).toEqual([record.path]);
      const rows = PngCacheReader.open(labDir(), pngId, size, { decodeWorkers: 1 });
      rows.prefetch([record.idx, (record.idx + 1) % rows.count]);
      const pixel = rows.row(record.idx).subarray(0, 3);
      expect(pixel[0]).toBeGreaterThan(200);
      expect(pixel[1]).toBeLessThan(40);
      rows.close();
    } finally {
      writeFileSync(file, original);
    }
  });

  it('fails on a damaged row naming the cache file and what to do, whichever thread meets it', () => {
    const paths = pixelCachePaths(labDir(), pngId, size, 'png');
    const saved = readFileSync(paths.pixels);
    try {
      const index = new Float64Array(new Uint8Array(readFileSync(paths.index!)).buffer);
      const damaged = Buffer.from(saved);
      damaged.fill(0, index[2 * 3]! + 8, index[2 * 3]! + 40); // row 3's header and data
      writeFileSync(paths.pixels, damaged);
      const rows = PngCacheReader.open(labDir(), pngId, size, { decodeWorkers: 1 });
      expect(() => rows.prefetch([0, 1, 2, 3, 4, 5])).toThrow(
        new RegExp(
          `Row 3 of the png pixel cache ${paths.pixels.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be decoded .*rebuild the cache`,
        ),
      );
      rows.close();
    } finally {
      writeFileSync(paths.pixels, saved);
    }
  });
});
