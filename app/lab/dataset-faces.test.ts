import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateSplit } from '../data/evaluate-split.js';
import { PixelCacheReader } from '../data/pixel-cache.js';
import { listBadFiles } from '../store/bad-files-repo.js';
import { openLabDatabase } from '../store/db.js';
import { datasetImages } from './dataset-images.js';
import { cacheDataset, importDataset } from './datasets.js';
import type { Lab } from './lab.js';

// `--faces detect|detect-all` end to end on real photos in a temp ImageFolder and a real lab:
// aligned crops in the cache, estimated attributes usable by split rules, every bad case a report.

const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
const folders: string[] = [];
const labs: Lab[] = [];
afterEach(() => {
  for (const lab of labs.splice(0)) lab.db.close();
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

function tempLab(): Lab {
  const dataDir = temp('ddl-lab-faces-lab-');
  const lab = { db: openLabDatabase(dataDir), dataDir };
  labs.push(lab);
  return lab;
}

/** alice: a group photo, its mirror and half-size copy; bob: another group photo, a blank wall, a tiny copy. */
async function photoFolder(): Promise<string> {
  const root = temp('ddl-lab-faces-photos-');
  mkdirSync(join(root, 'alice'));
  mkdirSync(join(root, 'bob'));
  copyFileSync(join(demo, 'sample3.jpg'), join(root, 'alice', 'group.jpg'));
  await sharp(join(demo, 'sample3.jpg'))
    .flop()
    .toFile(join(root, 'alice', 'mirror.jpg'));
  await sharp(join(demo, 'sample3.jpg'))
    .resize(960)
    .toFile(join(root, 'alice', 'half.jpg'));
  copyFileSync(join(demo, 'sample6.jpg'), join(root, 'bob', 'group.jpg'));
  await sharp({ create: { width: 640, height: 480, channels: 3, background: '#6080a0' } })
    .jpeg()
    .toFile(join(root, 'bob', 'wall.jpg'));
  await sharp(join(demo, 'sample6.jpg'))
    .resize(120)
    .toFile(join(root, 'bob', 'tiny.jpg'));
  return root;
}

function fingerprints(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const who of readdirSync(root))
    for (const f of readdirSync(join(root, who)))
      out[`${who}/${f}`] = createHash('sha1')
        .update(readFileSync(join(root, who, f)))
        .digest('hex');
  return out;
}

describe('dataset import --faces', () => {
  it('detect: one aligned face per photo, estimated attributes, and each bad case reported', async () => {
    const root = await photoFolder();
    const before = fingerprints(root);
    const lab = tempLab();
    const result = await importDataset(lab, { root, faces: 'detect' });

    expect(result.status).toBe('ready');
    expect(result.images).toBe(4);
    expect(result.faces).toMatchObject({ mode: 'detect', found: 4, none: 1, multiple: 4, tooSmall: 1 });
    expect(result.faces!.multipleFiles.sort()).toEqual([
      'alice/group.jpg',
      'alice/half.jpg',
      'alice/mirror.jpg',
      'bob/group.jpg',
    ]);
    const bad = listBadFiles(lab.db, result.id, 0, 100).items;
    const wall = bad.find((b) => b.path === 'bob/wall.jpg')!;
    expect(wall.reason).toBe('no face');
    expect(wall.detail).toMatch(/^no face found \(best score 0\.\d\d\)\.$/);
    const tiny = bad.find((b) => b.path === 'bob/tiny.jpg')!;
    expect(tiny.reason).toBe('face too small');
    expect(tiny.detail).toMatch(/the face is \d+×\d+ px; at least 24 px wide/);
    expect(fingerprints(root)).toEqual(before); // the user's files are only read

    const images = datasetImages(lab, result.id);
    expect(images.map((i) => i.path).sort()).toEqual([
      'alice/group.jpg',
      'alice/half.jpg',
      'alice/mirror.jpg',
      'bob/group.jpg',
    ]);
    const by = Object.fromEntries(images.map((i) => [i.path, i]));
    for (const image of images) {
      expect(image.face).toBe(0);
      expect(Object.keys(image.attributes).sort()).toEqual(
        [
          'blur',
          'brightness',
          'contrast',
          'eyeDistance',
          'faceScore',
          'faceSize',
          'height',
          'pitch',
          'roll',
          'sharpness',
          'width',
          'yaw',
        ].sort(),
      );
      expect(image.points).toHaveLength(5);
      expect(image.box!.width).toBeCloseTo(image.attributes.faceSize as number, 6);
    }
    const group = by['alice/group.jpg']!.attributes;
    const half = by['alice/half.jpg']!.attributes;
    const mirror = by['alice/mirror.jpg']!.attributes;
    expect((half.faceSize as number) / (group.faceSize as number)).toBeGreaterThan(0.45);
    expect((half.faceSize as number) / (group.faceSize as number)).toBeLessThan(0.55);
    expect(Math.sign(mirror.yaw as number)).toBe(-Math.sign(group.yaw as number));
    expect(Math.sign(mirror.roll as number)).toBe(-Math.sign(group.roll as number));

    // The cache holds the aligned crops, not the squashed photos: the crop's centre is skin, and it
    // differs from a plain resize of the whole photo.
    const cache = PixelCacheReader.open(lab.dataDir, result.id, 112, { expectedCount: 4 });
    const row = Buffer.from(cache.row(by['alice/group.jpg']!.idx));
    cache.close();
    const plain = await sharp(join(root, 'alice', 'group.jpg'))
      .resize(112, 112)
      .removeAlpha()
      .raw()
      .toBuffer();
    let diff = 0;
    for (let i = 0; i < row.length; i++) diff += Math.abs(row[i]! - plain[i]!);
    expect(diff / row.length).toBeGreaterThan(20);

    // Another input size is re-aligned from the stored points: the 56×56 row is the 112×112 crop
    // made smaller, not the photo squashed.
    const built = await cacheDataset(lab, result.id, 56);
    expect(built).toMatchObject({ built: true, failed: [] });
    const small = PixelCacheReader.open(lab.dataDir, result.id, 56, { expectedCount: 4 });
    const row56 = Buffer.from(small.row(by['alice/group.jpg']!.idx));
    small.close();
    const shrunk = await sharp(row, { raw: { width: 112, height: 112, channels: 3 } })
      .resize(56, 56)
      .raw()
      .toBuffer();
    let near = 0;
    for (let i = 0; i < row56.length; i++) near += Math.abs(row56[i]! - shrunk[i]!);
    expect(near / row56.length).toBeLessThan(8);

    // Estimated attributes work in split rules like ground truth.
    const rule = (op: '>=' | '<', value: number, abs: boolean) => ({
      hard: { combine: 'and', conditions: [{ kind: 'attribute', attribute: 'yaw', op, value, abs }] },
    });
    expect(evaluateSplit(lab.db, result.id, rule('>=', 0, true)).hardImages).toBe(4);
    const turnedRight = images.filter((i) => (i.attributes.yaw as number) >= 0).length;
    expect(turnedRight).toBeGreaterThan(0);
    expect(turnedRight).toBeLessThan(4);
    expect(evaluateSplit(lab.db, result.id, rule('>=', 0, false)).hardImages).toBe(turnedRight);
  }, 120_000);

  it('detect-all: every face its own image of the identity, with its face index; a CSV column named yaw is kept apart', async () => {
    const root = temp('ddl-lab-faces-all-');
    mkdirSync(join(root, 'team'));
    copyFileSync(join(demo, 'sample6.jpg'), join(root, 'team', 'group.jpg'));
    writeFileSync(join(root, 'attributes.csv'), 'path,yaw,session\nteam/group.jpg,12,day\n');
    const lab = tempLab();
    const result = await importDataset(lab, { root, faces: 'detect-all' });
    expect(result.images).toBe(4);
    expect(result.identities).toBe(1);
    expect(result.faces).toMatchObject({ found: 4, none: 0, multiple: 1, tooSmall: 0 });
    const images = datasetImages(lab, result.id);
    expect(images.map((i) => i.face)).toEqual([0, 1, 2, 3]);
    expect(new Set(images.map((i) => i.path))).toEqual(new Set(['team/group.jpg']));
    const sizes = images.map((i) => i.attributes.faceSize as number);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    // The file's yaw is renamed, never mixed with the estimate.
    for (const image of images) {
      expect(image.attributes.yaw_file).toBe(12);
      expect(image.attributes.session).toBe('day');
      expect(image.attributes.yaw).not.toBe(12);
    }
  }, 120_000);
});
