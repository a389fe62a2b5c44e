import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listBadFiles } from '../store/bad-files-repo.js';
import { listDatasets as listDatasetRows } from '../store/datasets-repo.js';
import { openLabDatabase } from '../store/db.js';
import { listPairLists, loadPairs } from '../store/pairs-repo.js';
import { importDataset, removeDataset } from './datasets.js';
import type { Lab } from './lab.js';

// `dataset import lfw.bin` / `train.rec` through the lab's one import operation, on a real SQLite
// lab and the python3-written fixtures: what lands in the database and the data folder, the user's
// file left as it was, and bad files leaving nothing behind.

const fixtures = fileURLToPath(new URL('../data/insightface/fixtures/', import.meta.url));
const labs: Lab[] = [];
afterEach(() => {
  for (const lab of labs.splice(0)) {
    lab.db.close();
    rmSync(lab.dataDir, { recursive: true, force: true });
  }
});

function tempLab(): Lab {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddl-lab-insightface-'));
  const lab = { db: openLabDatabase(dataDir), dataDir };
  labs.push(lab);
  return lab;
}

const sha1 = (file: string) => createHash('sha1').update(readFileSync(file)).digest('hex');

describe('importing insightface files', () => {
  it('a .bin becomes a dataset of its distinct images and a pair list with 10 contiguous folds', async () => {
    const lab = tempLab();
    const source = join(fixtures, 'lfw-like-p2-py2.bin');
    const before = sha1(source);
    const result = await importDataset(lab, { root: source, inputSize: 32 });
    expect(sha1(source)).toBe(before);
    expect(result.status).toBe('ready');
    expect(result.name).toBe('lfw-like-p2-py2');
    expect('extracted' in result && result.extracted).toMatchObject({
      format: 'verification-bin',
      images: 40,
      pairs: 20,
      folds: 10,
      folder: join(lab.dataDir, 'extracted', 'lfw-like-p2-py2-1'),
    });
    const extracted = 'extracted' in result ? result.extracted : null;
    expect(result.images).toBe(40 - extracted!.repeated);
    expect(result.duplicates).toBe(0);
    // Identities follow the genuine pairs, so no pair contradicts them.
    expect(listBadFiles(lab.db, result.id).items).toEqual([]);
    expect(result.pairs).toMatchObject({ pairs: 20, skipped: 0, folds: 10 });
    const [list] = listPairLists(lab.db, result.id);
    expect(list).toMatchObject({ name: 'lfw-like-p2-py2-pairs.csv', pairCount: 20, genuineCount: 10 });
    const pairs = loadPairs(lab.db, list!.id);
    expect(Array.from(pairs.folds)).toEqual(Array.from({ length: 20 }, (_, k) => Math.floor(k / 2)));
    expect(Array.from(pairs.same)).toEqual(Array.from({ length: 20 }, (_, k) => (k % 2 === 0 ? 1 : 0)));
  });

  it('each protocol gives the same images and pairs', async () => {
    const lab = tempLab();
    const shapes = [];
    for (const file of ['lfw-like-p2.bin', 'lfw-like-p4.bin', 'lfw-like-p5-bytearray.bin']) {
      const result = await importDataset(lab, { root: join(fixtures, file), inputSize: 16 });
      const pairs = loadPairs(lab.db, result.pairs!.listId);
      shapes.push({
        images: result.images,
        identities: result.identities,
        folds: Array.from(pairs.folds),
        same: Array.from(pairs.same),
      });
    }
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
  });

  it('a .rec becomes identities by label; removing the dataset deletes what was extracted', async () => {
    const lab = tempLab();
    const progress: number[] = [];
    const result = await importDataset(lab, {
      root: join(fixtures, 'train.rec'),
      inputSize: 16,
      onProgress: (p) => {
        if (p.phase === 'extracting') progress.push(p.done);
      },
    });
    expect(result).toMatchObject({ status: 'ready', images: 18, identities: 6, name: 'train' });
    expect('extracted' in result && result.extracted).toMatchObject({
      format: 'recordio',
      images: 18,
      skippedRecords: 7,
    });
    expect(progress.at(-1)).toBe(25);
    const folder = join(lab.dataDir, 'extracted', 'train-1');
    expect(readdirSync(join(folder, 'images')).sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    const removal = removeDataset(lab, result.id);
    expect(removal.folders).toContain(folder);
    expect(existsSync(folder)).toBe(false);
    expect(existsSync(join(fixtures, 'train.rec'))).toBe(true);
  });

  it('bad files are refused with the file named and leave no dataset and no extracted folder', async () => {
    const lab = tempLab();
    const work = mkdtempSync(join(tmpdir(), 'ddl-insightface-bad-'));
    try {
      const truncated = join(work, 'lfw.bin');
      writeFileSync(truncated, readFileSync(join(fixtures, 'lfw-like-p4.bin')).subarray(0, 9000));
      await expect(importDataset(lab, { root: truncated })).rejects.toThrow(`${truncated}: the file ends at byte 9000`);
      await expect(importDataset(lab, { root: join(fixtures, 'wrong-pickle.bin') })).rejects.toThrow(/EMPTY_DICT/);
      const rec = join(work, 'train.rec');
      copyFileSync(join(fixtures, 'train.rec'), rec);
      await expect(importDataset(lab, { root: rec })).rejects.toThrow(`${join(work, 'train.idx')} is missing`);
      const bytes = readFileSync(join(fixtures, 'train.rec'));
      bytes.writeUInt32LE(0, 5392); // record 7's magic
      writeFileSync(rec, bytes);
      copyFileSync(join(fixtures, 'train.idx'), join(work, 'train.idx'));
      await expect(importDataset(lab, { root: rec })).rejects.toThrow(
        `${rec}: record 7 at byte 5392 starts with 0x00000000`,
      );
      expect(listDatasetRows(lab.db)).toEqual([]);
      expect(readdirSync(join(lab.dataDir, 'extracted'))).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
