import { mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type LabDatabase } from '../store/db.js';
import { getImage, listImages, type ImageRecord } from '../store/images-repo.js';
import { createClassificationSampler } from './classification-sampler.js';
import { createDdlSampler, type DdlBatch } from './ddl-sampler.js';
import { ensureImageCache } from './ensure-image-cache.js';
import { saveSplit } from './evaluate-split.js';
import type { ImageBatch } from './image-batch.js';
import { importDataset } from './import-dataset.js';
import { PixelCacheReader } from './pixel-cache.js';
import { encodeBmp24, fixtureColours, twoToneRgb, writeAttributeDataset } from './test-fixtures.js';

let dir: string;
let db: LabDatabase;
let datasetId: number;
let images: ImageRecord[];
const identities = 12;
const size = 8;

/** identity and image number k from the fixture path id_XXX/img_KK.bmp */
const origin = new Map<number, { identity: number; k: number }>();
const hardK = (identity: number) => (identity % 3 === 0 ? [0, 1, 4, 5] : [0, 4, 5]); // |yaw| >= 45, or low resolution

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-sampler-'));
  await writeAttributeDataset(join(dir, 'faces'), { identities, size });
  db = openDatabase(join(dir, 'data', 'lab.sqlite'));
  datasetId = (await importDataset({ db, root: join(dir, 'faces'), inputSize: size })).id;
  images = listImages(db, datasetId, 0, 1000);
  for (const image of images) {
    const m = /^id_(\d+)\/img_(\d+)\.bmp$/.exec(image.path)!;
    origin.set(image.id, { identity: Number(m[1]), k: Number(m[2]) });
  }
  saveSplit(db, datasetId, 'pose', {
    hard: {
      any: [
        { attr: 'yaw', abs: true, op: '>=', value: 45 },
        { attr: 'resolution', op: '<=', value: 0.25 },
      ],
    },
  });
  saveSplit(db, datasetId, 'few-hard', {
    hard: {
      all: [
        { attr: 'yaw', op: '==', value: 85 },
        { attr: 'race', op: '==', value: 'a' },
      ],
    },
  });
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const isHard = (imageId: number) => {
  const o = origin.get(imageId)!;
  return hardK(o.identity).includes(o.k);
};
const ids = (batch: ImageBatch) => Array.from(batch.imageIds);
const unit = (v: number) => v / 127.5 - 1;

/** The first pixel of slot `slot` is the image's left colour, or its right colour when flipped. */
function firstPixelSide(batch: ImageBatch, slot: number): 'left' | 'right' {
  const { identity, k } = origin.get(batch.imageIds[slot]!)!;
  const { left, right } = fixtureColours(identity, k);
  const px = Array.from(batch.pixels.subarray(slot * size * size * 3, slot * size * size * 3 + 3));
  if (px.every((v, c) => Math.abs(v - unit(left[c]!)) < 1e-6)) return 'left';
  if (px.every((v, c) => Math.abs(v - unit(right[c]!)) < 1e-6)) return 'right';
  throw new Error(`slot ${slot}: pixel ${px} is neither colour of image ${batch.imageIds[slot]}`);
}

function checkDdlBatch(batch: DdlBatch, b: number, studentPairs: 'easy-hard' | 'hard-hard') {
  const all = [batch.easySingles, batch.hardSingles, ...batch.easyPairs, ...batch.hardPairs];
  for (const branch of all) {
    expect(branch).toMatchObject({ size, count: b });
    expect(branch.pixels).toHaveLength(b * size * size * 3);
    ids(branch).forEach((id, slot) => expect(branch.labels[slot]).toBe(origin.get(id)!.identity));
  }
  for (const singles of [batch.easySingles, batch.hardSingles]) expect(new Set(singles.labels).size).toBe(b);
  expect(ids(batch.easySingles).every((id) => !isHard(id))).toBe(true);
  expect(ids(batch.hardSingles).every(isHard)).toBe(true);
  const [e1, e2] = batch.easyPairs;
  const [h1, h2] = batch.hardPairs;
  expect(Array.from(e1.labels)).toEqual(Array.from(e2.labels));
  expect(new Set(e1.labels).size).toBe(b);
  ids(e1).forEach((id, s) => {
    expect(isHard(id) || isHard(e2.imageIds[s]!)).toBe(false);
    expect(id).not.toBe(e2.imageIds[s]);
  });
  expect(Array.from(h1.labels)).toEqual(Array.from(h2.labels));
  ids(h1).forEach((id, s) => {
    expect(isHard(h2.imageIds[s]!)).toBe(true);
    expect(isHard(id)).toBe(studentPairs === 'hard-hard');
    if (studentPairs === 'hard-hard') expect(id).not.toBe(h2.imageIds[s]);
  });
}

describe('createDdlSampler', () => {
  it('draws the four DDL branches from the right sides, identities distinct, labels = identity index', () => {
    for (const studentPairs of ['easy-hard', 'hard-hard'] as const) {
      const sampler = createDdlSampler({
        db,
        datasetId,
        splitId: 'pose',
        inputSize: size,
        batch: 5,
        studentPairs,
        seed: 3,
        flip: false,
      });
      expect(sampler.classes).toBe(identities);
      for (let step = 0; step < 10; step++) checkDdlBatch(sampler.next(), 5, studentPairs);
      sampler.close();
    }
  });

  it('serves the cached pixels in [-1, 1], mirrored left-right on about half the images when flip is on', () => {
    const plain = createDdlSampler({
      db,
      datasetId,
      splitId: 'pose',
      inputSize: size,
      batch: 4,
      studentPairs: 'easy-hard',
      seed: 1,
      flip: false,
    });
    const batch = plain.next();
    for (let s = 0; s < 4; s++) expect(firstPixelSide(batch.easySingles, s)).toBe('left');
    const flipped = createDdlSampler({
      db,
      datasetId,
      splitId: 'pose',
      inputSize: size,
      batch: 4,
      studentPairs: 'easy-hard',
      seed: 1,
      flip: true,
    });
    const sides = { left: 0, right: 0 };
    for (let step = 0; step < 20; step++) {
      const next = flipped.next();
      for (const branch of [next.easySingles, next.hardSingles])
        for (let s = 0; s < 4; s++) sides[firstPixelSide(branch, s)]++;
    }
    expect(sides.left).toBeGreaterThan(40);
    expect(sides.right).toBeGreaterThan(40);
    plain.close();
    flipped.close();
  });

  it('is identity-balanced: every identity exactly once per epoch, even when b does not divide the identity count', () => {
    const sampler = createDdlSampler({
      db,
      datasetId,
      splitId: 'pose',
      inputSize: size,
      batch: 5,
      studentPairs: 'easy-hard',
      seed: 9,
      flip: false,
    });
    const counts = new Array<number>(identities).fill(0);
    for (let step = 0; step < 12; step++) for (const label of sampler.next().hardSingles.labels) counts[label]! += 1; // 60 draws = 5 epochs
    expect(counts).toEqual(new Array(identities).fill(5));
    sampler.close();
  });

  it('is reproducible from its seed, and restoring a saved state resumes with the same batches', () => {
    const options = {
      db,
      datasetId,
      splitId: 'pose',
      inputSize: size,
      batch: 5,
      studentPairs: 'easy-hard' as const,
      seed: 42,
      flip: true,
    };
    const a = createDdlSampler(options);
    for (let step = 0; step < 7; step++) a.next();
    const saved = JSON.parse(JSON.stringify(a.state())) as unknown;
    const expected = [a.next(), a.next(), a.next()];
    const b = createDdlSampler(options);
    b.restore(saved);
    for (const want of expected) {
      const got = b.next();
      expect(ids(got.hardPairs[1])).toEqual(ids(want.hardPairs[1]));
      expect(ids(got.easySingles)).toEqual(ids(want.easySingles));
      expect(got.easyPairs[0].pixels).toEqual(want.easyPairs[0].pixels);
    }
    const other = createDdlSampler({ ...options, seed: 43 });
    expect(() => other.restore(saved)).toThrow(/saved for seed 42; create the sampler with the same settings/);
    expect(() => other.restore({ kind: 'nonsense' })).toThrow(/Not a DDL sampler state/);
    for (const s of [a, b, other]) s.close();
  });

  it('refuses a split with too few identities for b, saying how many there are', () => {
    expect(() =>
      createDdlSampler({
        db,
        datasetId,
        splitId: 'pose',
        inputSize: size,
        batch: 13,
        studentPairs: 'easy-hard',
        seed: 1,
        flip: false,
      }),
    ).toThrow(
      'Split "pose" has 12 identities with easy images, 12 identities with hard images, 12 identities with at least 2 easy images, 12 identities with both an easy and a hard image; DDL needs at least b = 13 of each. Lower the batch size or loosen the split rule.',
    );
    expect(() =>
      createDdlSampler({
        db,
        datasetId,
        splitId: 'few-hard',
        inputSize: size,
        batch: 8,
        studentPairs: 'hard-hard',
        seed: 1,
        flip: false,
      }),
    ).toThrow(
      /^Split "few-hard" has 4 identities with hard images, 0 identities with at least 2 hard images \(studentPairs hard-hard\); DDL needs at least b = 8/,
    );
    expect(() =>
      createDdlSampler({
        db,
        datasetId,
        splitId: 'missing',
        inputSize: size,
        batch: 4,
        studentPairs: 'easy-hard',
        seed: 1,
        flip: false,
      }),
    ).toThrow(/has no split "missing"/);
    expect(() =>
      createDdlSampler({
        db,
        datasetId,
        splitId: 'pose',
        inputSize: 48,
        batch: 4,
        studentPairs: 'easy-hard',
        seed: 1,
        flip: false,
      }),
    ).toThrow(/has no 48×48 pixel cache .*ensureImageCache\(db, \d+, 48\)/);
  });
});

describe('createClassificationSampler', () => {
  it('covers every image once per epoch in a seeded order, labels = identity index', () => {
    const sampler = createClassificationSampler({ db, datasetId, inputSize: size, batchSize: 8, seed: 5, flip: false });
    expect(sampler).toMatchObject({ classes: identities, images: identities * 6, batchesPerEpoch: 9 });
    const seen: number[] = [];
    for (let step = 0; step < 9; step++) {
      const batch = sampler.next();
      ids(batch).forEach((id, s) => {
        expect(batch.labels[s]).toBe(origin.get(id)!.identity);
        expect(firstPixelSide(batch, s)).toBe('left');
      });
      seen.push(...ids(batch));
    }
    expect(seen.sort((x, y) => x - y)).toEqual(images.map((i) => i.id).sort((x, y) => x - y));
    sampler.close();
  });

  it('draws only from the chosen side of a split, and resumes from a saved state (also reading the cache row by row instead of in memory)', () => {
    const options = {
      db,
      datasetId,
      splitId: 'pose',
      side: 'hard' as const,
      inputSize: size,
      batchSize: 7,
      seed: 2,
      flip: true,
    };
    const a = createClassificationSampler(options);
    for (let step = 0; step < 11; step++) expect(ids(a.next()).every(isHard)).toBe(true);
    const saved = a.state();
    const want = a.next();
    const b = createClassificationSampler({ ...options, residentLimit: 0 });
    b.restore(saved);
    const got = b.next();
    expect(ids(got)).toEqual(ids(want));
    expect(got.pixels).toEqual(want.pixels);
    a.close();
    b.close();
  });
});

describe('ensureImageCache', () => {
  it('builds a cache at a new size, and refreshes an image whose file changed on disk (size/mtime)', async () => {
    const built = await ensureImageCache(db, datasetId, 4);
    expect(built).toMatchObject({ size: 4, built: true, changed: [], failed: [] });
    expect(await ensureImageCache(db, datasetId, 4)).toMatchObject({ built: false, changed: [], failed: [] });

    const target = images.find((i) => i.path === 'id_001/img_02.bmp')!;
    writeFileSync(
      join(dir, 'faces', target.path),
      encodeBmp24(twoToneRgb(size, size, [255, 255, 255], [255, 255, 255]), size, size),
    );
    utimesSync(join(dir, 'faces', target.path), new Date(), new Date(Date.now() + 5000));
    const refreshed = await ensureImageCache(db, datasetId, 4);
    expect(refreshed.changed).toEqual([{ imageId: target.id, path: target.path }]);
    expect(getImage(db, target.id)!.brightness).toBe(1);
    for (const s of [4, size]) {
      const reader = PixelCacheReader.open(join(dir, 'data'), datasetId, s);
      expect(Array.from(reader.row(target.idx)).every((v) => v === 255)).toBe(true);
      reader.close();
    }

    const gone = images.find((i) => i.path === 'id_002/img_03.bmp')!;
    unlinkSync(join(dir, 'faces', gone.path));
    const after = await ensureImageCache(db, datasetId, 4);
    expect(after.failed).toEqual([
      { imageId: gone.id, path: gone.path, reason: 'missing', detail: expect.any(String) },
    ]);
  });
});
