import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db.js';
import { listImages } from '../store/images-repo.js';
import { DecodeThreads } from './decode-threads.js';
import { ensureImageCache } from './ensure-image-cache.js';
import { importDataset, type ImportResult } from './import-dataset.js';
import { PngCacheReader } from './png-cache.js';
import { decodePngRow } from './png-rows.js';
import { PixelCacheReader } from './pixel-cache.js';
import { generateSynthFaces } from './synth/index.js';
import { noiseJpeg } from './test-fixtures.js';

// The decode threads must change nothing but speed: the same rows, measures, problems and cached
// pixels as the import's own thread, on good files and on every kind of bad one, including file
// names that are not UTF-8 (their path bytes cross the thread boundary).

describe('import decode threads', () => {
  let dir: string;
  let root: string;
  const imports: Array<{ result: ImportResult; rows: unknown[]; pixels: Buffer; rebuilt: Buffer }> = [];
  // The same folder into png caches (the threads encode the rows): pixels at 32 and 24 px.
  const pngImports: Array<{ pixels: Buffer; rebuilt: Buffer }> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddl-decode-threads-'));
    root = join(dir, 'faces');
    await generateSynthFaces({ outDir: root, preset: 'mixed', identities: 6, perIdentity: 5, size: 250, seed: 5 });
    const face = readFileSync(
      join(
        root,
        readdirSync(root).find((d) => d.startsWith('id'))!,
        'id00000_000.jpg',
      ),
    );
    const extra = join(root, 'id99999');
    mkdirSync(extra);
    writeFileSync(join(extra, 'rotated.jpg'), await sharp(face).jpeg().withMetadata({ orientation: 6 }).toBuffer());
    writeFileSync(join(extra, 'big.jpg'), await sharp(face).resize(700, 600).jpeg().toBuffer());
    writeFileSync(join(extra, 'face.png'), await sharp(face).png().toBuffer());
    const noise = await noiseJpeg(64);
    writeFileSync(join(extra, 'truncated.jpg'), noise.subarray(0, noise.length >> 1));
    writeFileSync(join(extra, 'empty.jpg'), Buffer.alloc(0));
    writeFileSync(join(extra, 'notes.jpg'), 'not a photo\n');
    execFileSync('mkfifo', [join(extra, 'pipe.jpg')]);
    symlinkSync('nowhere.jpg', join(extra, 'dangling.jpg'));
    copyFileSync(join(root, 'id00000', 'id00000_001.jpg'), join(extra, 'zz_duplicate.jpg'));
    writeFileSync(
      Buffer.concat([Buffer.from(`${extra}/`), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from('.jpg')]),
      noise,
    );
    for (const threads of [0, 2]) {
      const db = openDatabase(join(dir, `lab-${threads}`, 'lab.sqlite'));
      const result = await importDataset({ db, root, inputSize: 32, decodeThreads: threads });
      const rows = listImages(db, result.id).map(({ id: _id, datasetId: _d, ...row }) => row);
      const reader = PixelCacheReader.open(join(dir, `lab-${threads}`), result.id, 32);
      const pixels = Buffer.concat(Array.from({ length: result.images }, (_, i) => Buffer.from(reader.row(i))));
      reader.close();
      // A cache at another size (training at a new input size) is built the same way.
      const built = await ensureImageCache(db, result.id, 24, {
        dataDir: join(dir, `lab-${threads}`),
        decodeThreads: threads,
      });
      expect(built).toMatchObject({ built: true, failed: [] });
      const again = PixelCacheReader.open(join(dir, `lab-${threads}`), result.id, 24);
      const rebuilt = Buffer.concat(Array.from({ length: result.images }, (_, i) => Buffer.from(again.row(i))));
      again.close();
      db.close();
      imports.push({ result, rows, pixels, rebuilt });
    }
    for (const threads of [0, 2]) {
      const lab = join(dir, `png-${threads}`);
      const db = openDatabase(join(lab, 'lab.sqlite'));
      const result = await importDataset({ db, root, inputSize: 32, decodeThreads: threads, cacheFormat: 'png' });
      await ensureImageCache(db, result.id, 24, { dataDir: lab, decodeThreads: threads });
      const rows = (size: number) => {
        const reader = PngCacheReader.open(lab, result.id, size);
        const all = Buffer.from(reader.decoder.decode(Array.from({ length: result.images }, (_, i) => i)));
        reader.close();
        return all;
      };
      pngImports.push({ pixels: rows(32), rebuilt: rows(24) });
      db.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('import (and build a cache at a new size) the same rows, problems and pixels as the import thread alone', () => {
    const [alone, threaded] = imports;
    expect(alone!.result.images).toBe(6 * 5 + 4); // + rotated, big, png and the Latin-1 name
    expect(threaded!.rows).toEqual(alone!.rows);
    // Same files, same reasons; a detail quoting libvips may differ (its error text is shared by
    // concurrent decodes, so decodeImage decides the reason from the file, not from that text).
    const problems = (r: ImportResult) => r.bad.map(({ detail: _detail, ...rest }) => rest);
    expect(problems(threaded!.result)).toEqual(problems(alone!.result));
    expect(threaded!.result.bad.map((b) => b.reason).sort()).toEqual([
      'broken symlink',
      'duplicate',
      'empty',
      'not a regular file',
      'not an image',
      'truncated',
    ]);
    expect(threaded!.pixels.equals(alone!.pixels)).toBe(true);
    expect(threaded!.rebuilt.equals(alone!.rebuilt)).toBe(true);
    // The threads really decoded: the 30 faces, the Latin-1 one and the duplicate (dropped after
    // hashing); the rotated and the big JPEG went to sharp.
    expect(alone!.result.stream.decode).toEqual({ threads: 0, decoded: 0 });
    expect(threaded!.result.stream.decode).toEqual({ threads: 2, decoded: 6 * 5 + 2 });
  });

  it('encode png cache rows that hold the very pixels of the raw cache, at import and at a new size', async () => {
    const raw = imports[0]!;
    for (const png of pngImports) {
      expect(png.pixels.equals(raw.pixels)).toBe(true);
      expect(png.rebuilt.equals(raw.rebuilt)).toBe(true);
    }
    // A thread asked to encode sends the PNG of the row it decoded; without, none.
    const job = {
      path: join(root, 'id00000', 'id00000_000.jpg'),
      maxFileBytes: 1 << 20,
      decode: { size: 16, maxPixels: 1e7 },
    };
    for (const encodePng of [true, false]) {
      const threads = new DecodeThreads(1, encodePng);
      const reply = await threads.run(job);
      await threads.close();
      if (reply?.kind !== 'decoded') throw new Error(`expected a decoded reply, got ${reply?.kind}`);
      if (!encodePng) expect(reply.png).toBeUndefined();
      else {
        const out = new Uint8Array(16 * 16 * 3);
        decodePngRow(reply.png!, 16, out);
        expect(Buffer.from(out).equals(Buffer.from(reply.image.rgb))).toBe(true);
      }
    }
  });

  it('give their jobs back (null) when a thread dies or the pool is closed, so the caller does them itself', async () => {
    const threads = new DecodeThreads(1);
    const job = {
      path: join(root, 'id00000', 'id00000_000.jpg'),
      maxFileBytes: 1 << 20,
      decode: { size: 16, maxPixels: 1e7 },
    };
    expect((await threads.run(job))?.kind).toBe('decoded');
    const pending = threads.run(job);
    await (threads as unknown as { workers: Array<{ terminate(): Promise<number> }> }).workers[0]!.terminate();
    expect([null, 'decoded']).toContain((await pending)?.kind ?? null);
    expect(await threads.run(job)).toBeNull();
    expect(threads.failure).toMatch(/decode thread failed: exited with code/);
    await threads.close();
  });
});
