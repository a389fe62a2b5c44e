import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributeColumns, imageAttributes } from '../store/attributes-repo.js';
import { getDataset, listDatasets } from '../store/datasets-repo.js';
import { openDatabase, type LabDatabase } from '../store/db.js';
import { listIdentities, listImages } from '../store/images-repo.js';
import { listPairLists, loadPairs } from '../store/pairs-repo.js';
import { importDataset, type ImportResult } from './import-dataset.js';
import { PixelCacheReader, readPixelCacheManifest } from './pixel-cache.js';
import { bombPng, encodeRgb, fixtureColours, noiseJpeg, twoToneRgb, writeImageFolder } from './test-fixtures.js';

const isRoot = process.getuid?.() === 0;
const here = fileURLToPath(new URL('.', import.meta.url));

async function fixtureImage(
  identity: number,
  image: number,
  format: Parameters<typeof encodeRgb>[3] = 'png',
): Promise<Buffer> {
  const { left, right } = fixtureColours(identity, image);
  return encodeRgb(twoToneRgb(16, 16, left, right), 16, 16, format);
}

async function writeImage(
  file: string,
  identity: number,
  image: number,
  format: Parameters<typeof encodeRgb>[3] = 'png',
) {
  writeFileSync(file, await fixtureImage(identity, image, format));
}

describe('importDataset on a folder holding every kind of bad file', () => {
  let dir: string;
  let root: string;
  let db: LabDatabase;
  let result: ImportResult;
  const reasonOf = (path: string) =>
    result.bad.filter((b) => b.source === 'image' && b.path === path).map((b) => b.reason);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddl-import-'));
    root = join(dir, 'faces');
    await writeImageFolder(root, { identities: 4, perIdentity: 3 }); // id_000..id_003, img_00..img_02.png

    writeFileSync(join(root, 'id_000/empty.jpg'), Buffer.alloc(0));
    copyFileSync(join(root, 'id_000/img_00.png'), join(root, 'id_000/zz_copy.png')); // sorts after the original
    const jpeg = await noiseJpeg(64);
    writeFileSync(join(root, 'id_001/truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    writeFileSync(join(root, 'id_001/notes.jpg'), 'these are my notes, not a photo\n');
    writeFileSync(join(root, 'id_001/readme.txt'), 'hello');
    writeFileSync(join(root, 'id_002/bomb.png'), bombPng(60000, 60000));
    execFileSync('mkfifo', [join(root, 'id_002/pipe.jpg')]);
    if (!isRoot) {
      writeFileSync(join(root, 'id_002/locked.png'), await noiseJpeg(8));
      chmodSync(join(root, 'id_002/locked.png'), 0o000);
    }
    symlinkSync('loop_b.jpg', join(root, 'id_003/loop_a.jpg'));
    symlinkSync('loop_a.jpg', join(root, 'id_003/loop_b.jpg'));
    symlinkSync('..', join(root, 'id_003/cycle'));
    symlinkSync('nowhere.jpg', join(root, 'id_003/dangling.jpg'));
    writeFileSync(join(root, 'stray.png'), readFileSync(join(root, 'id_000/img_01.png')));

    mkdirSync(join(root, 'id_004'));
    await writeImage(join(root, 'id_004/weird name #1 (copy).png'), 4, 0);
    await writeImage(join(root, 'id_004/ünïcødé 顔.png'), 4, 1);
    await writeImage(join(root, 'id_004/line\nbreak.png'), 4, 2);
    const latin1Name = Buffer.concat([
      Buffer.from(`${root}/id_004/`),
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff]),
      Buffer.from('.png'),
    ]);
    writeFileSync(latin1Name, await fixtureImage(4, 3));
    const latin1Folder = Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0x4a, 0x6f, 0x73, 0xe9])]);
    mkdirSync(latin1Folder);
    for (const k of [0, 1]) {
      writeFileSync(Buffer.concat([latin1Folder, Buffer.from(`/img_${k}.png`)]), await fixtureImage(7, k));
    }
    mkdirSync(join(root, 'id_005'));
    await writeImage(join(root, 'id_005/only.png'), 5, 0);
    mkdirSync(join(root, 'id_006'));
    for (const [k, format] of (['jpeg', 'webp', 'tiff', 'bmp'] as const).entries()) {
      await writeImage(join(root, `id_006/img.${format === 'jpeg' ? 'jpg' : format}`), 6, k, format);
    }

    writeFileSync(
      join(root, 'attributes.csv'),
      [
        'path,yaw,pitch,race',
        'id_000/img_00.png,10,5,asian',
        'id_000/img_01.png,-70,abc,white',
        'id_000/img_02.png,45',
        'id_009/ghost.png,1,2,black',
        'id_001/img_00.png,80,0,black',
        'id_001/img_01.png,12,3,asian',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(root, 'pairs.csv'),
      [
        'path1,path2,same,type',
        'id_000/img_00.png,id_000/img_01.png,1,easy-easy',
        'id_000/img_00.png,id_001/img_00.png,0,easy-hard',
        'id_000/img_00.png,id_000/missing.png,1,easy-easy',
        'id_001/img_00.png,id_001/truncated.jpg,1,hard-hard',
        'id_000/zz_copy.png,id_000/img_02.png,1,easy-easy',
        'id_000/img_00.png,id_001/img_01.png,1,easy-easy',
      ].join('\n'),
    );

    db = openDatabase(join(dir, 'data', 'lab.sqlite'));
    result = await importDataset({ db, root, inputSize: 16, concurrency: 3 });
  });
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports every readable image (23) of 8 identities and marks the dataset ready', () => {
    expect(result.status).toBe('ready');
    expect(result.images).toBe(3 * 4 + 4 + 2 + 1 + 4); // id_000..id_003, odd names, Latin-1 folder, single image, formats
    expect(result.identities).toBe(8);
    const dataset = getDataset(db, result.id)!;
    expect(dataset).toMatchObject({
      status: 'ready',
      imageCount: result.images,
      identityCount: 8,
      kind: 'imagefolder',
      inputSizes: [16],
    });
    expect(listDatasets(db).map((d) => d.id)).toContain(result.id);
  });

  it('records a zero-byte file as empty', () => expect(reasonOf('id_000/empty.jpg')).toEqual(['empty']));
  it('records a truncated JPEG as truncated', () => expect(reasonOf('id_001/truncated.jpg')).toEqual(['truncated']));
  it('records a text file named .jpg as not an image', () =>
    expect(reasonOf('id_001/notes.jpg')).toEqual(['not an image']));
  it('records a non-image extension inside an identity folder', () =>
    expect(reasonOf('id_001/readme.txt')).toEqual(['not an image type']));
  it('refuses a PNG declaring 60000×60000 pixels (decompression bomb) before decoding it', () => {
    expect(reasonOf('id_002/bomb.png')).toEqual(['too many pixels']);
    expect(result.bad.find((b) => b.path === 'id_002/bomb.png')!.detail).toMatch(
      /3600\.0 MP is over the 40\.0 MP limit/,
    );
  });
  it('records a named pipe called .jpg as not a regular file instead of blocking on it', () =>
    expect(reasonOf('id_002/pipe.jpg')).toEqual(['not a regular file']));
  it.skipIf(isRoot)(
    'records a chmod 000 file as unreadable (skipped as root, who can read it; the uid-65534 test below covers root)',
    () => expect(reasonOf('id_002/locked.png')).toEqual(['unreadable']),
  );
  it('records both links of a symlink loop', () => {
    expect(reasonOf('id_003/loop_a.jpg')).toEqual(['symlink loop']);
    expect(reasonOf('id_003/loop_b.jpg')).toEqual(['symlink loop']);
  });
  it('does not walk a symlink back to an enclosing folder', () =>
    expect(reasonOf('id_003/cycle')).toEqual(['directory cycle']));
  it('records a dangling symlink', () => expect(reasonOf('id_003/dangling.jpg')).toEqual(['broken symlink']));
  it('records an image at the top level (no identity folder)', () =>
    expect(reasonOf('stray.png')).toEqual(['no identity folder']));
  it('skips an exact duplicate (same content; the first in path order is kept) and says which file it copies', () => {
    expect(reasonOf('id_000/zz_copy.png')).toEqual(['duplicate']);
    expect(result.bad.find((b) => b.path === 'id_000/zz_copy.png')!.detail).toMatch(/id_000\/img_00\.png/);
    expect(result.duplicates).toBe(1);
  });

  it('imports odd and non-UTF-8 file and folder names, and reads them back for the cache', () => {
    const paths = listImages(db, result.id, 0, 100).map((i) => i.path);
    expect(paths).toContain('id_004/weird name #1 (copy).png');
    expect(paths).toContain('id_004/ünïcødé 顔.png');
    expect(paths).toContain('id_004/line\nbreak.png');
    const latin1 = listImages(db, result.id, 0, 100).find((i) => i.pathBytes !== null && i.path.startsWith('id_004/'))!;
    expect(latin1.path).toBe('id_004/caf\uFFFD\uFFFD.png');
    expect(latin1.pathBytes!.includes(Buffer.from([0xe9, 0xff]))).toBe(true);
    expect(listIdentities(db, result.id, { limit: 20 }).items.map((i) => i.name)).toContain('Jos\uFFFD');
  });

  it('imports an identity folder with one image and flags it', () => {
    expect(result.singleImageIdentities).toEqual(['id_005']);
    // Identities are ordered by folder-name bytes: "Jos\xe9" (0x4a...) comes before "id_000" (0x69...).
    expect(listIdentities(db, result.id, { search: 'id_005' }).items).toEqual([
      { idx: 6, name: 'id_005', imageCount: 1 },
    ]);
  });

  it('decodes JPEG, PNG, WebP, TIFF and BMP (BMP through its own reader)', () => {
    const formats = listImages(db, result.id, 0, 100)
      .filter((i) => i.path.startsWith('id_006/'))
      .map((i) => i.format)
      .sort();
    expect(formats).toEqual(['bmp', 'jpeg', 'tiff', 'webp']);
  });

  it('writes a pixel cache row per image that holds that image', () => {
    const manifest = readPixelCacheManifest(join(dir, 'data'), result.id, 16)!;
    expect(manifest.count).toBe(result.images);
    const reader = PixelCacheReader.open(join(dir, 'data'), result.id, 16);
    for (const image of listImages(db, result.id, 0, 100).filter(
      (i) => i.format === 'png' && i.path.startsWith('id_00'),
    )) {
      const [identity, k] = [Number(image.path.slice(3, 6)), Number(image.path.match(/img_(\d+)/)?.[1] ?? NaN)];
      if (Number.isNaN(k)) continue;
      const { left, right } = fixtureColours(identity, k);
      const row = reader.row(image.idx);
      expect([...row.subarray(0, 3)]).toEqual(left); // top-left pixel
      expect([...row.subarray(15 * 3, 16 * 3)]).toEqual(right); // top-right pixel
    }
    reader.close();
  });

  it('measures width, height, sharpness, brightness and contrast of each image', () => {
    const image = listImages(db, result.id, 0, 100).find((i) => i.path === 'id_000/img_00.png')!;
    expect(image).toMatchObject({ width: 16, height: 16 });
    expect(image.sharpness).toBeGreaterThan(0); // the two-tone edge
    expect(image.brightness).toBeGreaterThan(0);
    expect(image.brightness).toBeLessThan(1);
    expect(image.contrast).toBeGreaterThan(0);
  });

  it('reads the attributes CSV: numeric and categorical columns, line-numbered problems, never fatal', () => {
    expect(attributeColumns(db, result.id)).toEqual([
      { name: 'yaw', kind: 'numeric' },
      { name: 'pitch', kind: 'numeric' },
      { name: 'race', kind: 'categorical' },
    ]);
    const issues = result.bad.filter((b) => b.source === 'attributes').map((b) => [b.line, b.reason]);
    expect(issues).toEqual([
      [3, 'bad number'],
      [4, 'missing values'],
      [5, 'unknown image'],
    ]);
    const img01 = listImages(db, result.id, 0, 100).find((i) => i.path === 'id_000/img_01.png')!;
    expect(imageAttributes(db, img01.id)).toEqual({ yaw: -70, race: 'white' });
    const img02 = listImages(db, result.id, 0, 100).find((i) => i.path === 'id_000/img_02.png')!;
    expect(imageAttributes(db, img02.id)).toEqual({ yaw: 45 });
    expect(result.attributes).toMatchObject({ rows: 6, matched: 5, imagesWithoutRow: result.images - 5 });
  });

  it('reads the pairs list, skipping pairs that name missing or skipped images, resolving duplicates', () => {
    const issues = result.bad.filter((b) => b.source === 'pairs').map((b) => [b.line, b.reason]);
    expect(issues).toEqual([
      [4, 'missing image'],
      [5, 'missing image'],
      [7, 'label mismatch'],
    ]);
    expect(result.bad.find((b) => b.source === 'pairs' && b.line === 5)!.detail).toMatch(
      /was not imported \(truncated\)/,
    );
    const [list] = listPairLists(db, result.id);
    expect(list).toMatchObject({
      format: 'csv',
      pairCount: 4,
      skippedCount: 2,
      genuineCount: 3,
      impostorCount: 1,
      byType: { 'easy-easy': 3, 'easy-hard': 1 },
    });
    const pairs = loadPairs(db, list!.id);
    const idOf = (path: string) => listImages(db, result.id, 0, 100).find((i) => i.path === path)!.id;
    expect([pairs.image1Ids[2], pairs.image2Ids[2]]).toEqual([idOf('id_000/img_00.png'), idOf('id_000/img_02.png')]);
  });
});

describe('importDataset: permissions', () => {
  // As root, chmod 000 does not stop reads; so the import runs in a child process as user nobody.
  it.runIf(isRoot)(
    'records a file this user may not read as unreadable (run as uid 65534, since root reads chmod 000 files)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ddl-perm-'));
      try {
        chmodSync(dir, 0o755);
        const root = join(dir, 'faces');
        await writeImageFolder(root, { identities: 2, perIdentity: 2 });
        writeFileSync(join(root, 'id_000/secret.png'), readFileSync(join(root, 'id_000/img_00.png')));
        chmodSync(join(root, 'id_000/secret.png'), 0o600); // owned by root: nobody cannot open it
        const data = join(dir, 'data');
        mkdirSync(data, { mode: 0o777 });
        chmodSync(data, 0o777);
        const script = join(dir, 'child.mts');
        writeFileSync(
          script,
          `
        const { openDatabase } = await import(${JSON.stringify(join(here, '../store/db.ts'))});
        const { importDataset } = await import(${JSON.stringify(join(here, 'import-dataset.ts'))});
        const db = openDatabase(${JSON.stringify(join(data, 'lab.sqlite'))});
        const r = await importDataset({ db, root: ${JSON.stringify(root)}, inputSize: 16 });
        process.stdout.write(JSON.stringify({ images: r.images, bad: r.bad }));
      `,
        );
        // nobody's pixel cache folder: one it may write (the test's own is root's, mode 700).
        const caches = join(dir, 'caches');
        mkdirSync(caches, { mode: 0o777 });
        chmodSync(caches, 0o777);
        const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
          uid: 65534,
          gid: 65534,
          cwd: join(here, '../..'),
          encoding: 'utf8',
          env: { ...process.env, DDL_LAB_CACHE_DIR: caches },
        });
        expect(child.stderr).toBe('');
        const out = JSON.parse(child.stdout) as { images: number; bad: Array<{ path: string; reason: string }> };
        expect(out.images).toBe(4);
        expect(out.bad.map((b) => [b.path, b.reason])).toEqual([['id_000/secret.png', 'unreadable']]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('importDataset: streaming, cancelling, failing', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ddl-stream-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports 3000 images with never more than `concurrency` decoded images in flight or waiting', async () => {
    const root = join(dir, 'many');
    await writeImageFolder(root, { identities: 100, perIdentity: 30, size: 8, format: 'bmp' }); // BMP: fastest to write
    const db = openDatabase(join(dir, 'data-many', 'lab.sqlite'));
    let progressCalls = 0;
    const result = await importDataset({
      db,
      root,
      inputSize: 8,
      concurrency: 3,
      onProgress: () => {
        progressCalls++;
      },
    });
    expect(result.images).toBe(3000);
    expect(result.stream.started).toBe(3000);
    expect(result.stream.maxInFlight).toBeLessThanOrEqual(3);
    expect(result.stream.maxHeld).toBeLessThanOrEqual(3);
    expect(progressCalls).toBeGreaterThanOrEqual(3000);
    db.close();
  });

  it('cancels through an AbortSignal and leaves no dataset or cache behind', async () => {
    const root = join(dir, 'cancel');
    await writeImageFolder(root, { identities: 10, perIdentity: 10, size: 8 });
    const db = openDatabase(join(dir, 'data-cancel', 'lab.sqlite'));
    const controller = new AbortController();
    const run = importDataset({
      db,
      root,
      inputSize: 8,
      concurrency: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'images' && p.done === 20) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(listDatasets(db)).toEqual([]);
    expect(readPixelCacheManifest(join(dir, 'data-cancel'), 1, 8)).toBeNull();
    db.close();
  });

  it('refuses a folder that does not exist with a clear message', async () => {
    const db = openDatabase(join(dir, 'data-missing', 'lab.sqlite'));
    await expect(importDataset({ db, root: join(dir, 'nope') })).rejects.toThrow(/Dataset folder not found: .*nope/);
    db.close();
  });

  it('marks a folder with no readable image as failed and says why', async () => {
    const root = join(dir, 'junk');
    mkdirSync(join(root, 'a'), { recursive: true });
    writeFileSync(join(root, 'a/x.jpg'), 'not an image');
    const db = openDatabase(join(dir, 'data-junk', 'lab.sqlite'));
    const result = await importDataset({ db, root });
    expect(result).toMatchObject({ status: 'failed', images: 0 });
    expect(result.error).toMatch(/No image could be imported/);
    expect(getDataset(db, result.id)!.status).toBe('failed');
    db.close();
  });
});
