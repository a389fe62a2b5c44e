import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecordIndex, readRecords, recordMagic } from './recordio.js';

// MXNet RecordIO as insightface's train.rec/train.idx, written by fixtures/make-fixtures.py after
// dmlc's writer (record 0 the header record, image records, identity-range records, one image
// record split in parts because its payload holds the magic), and broken copies of it.

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'ddl-recordio-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function all(rec: string, idx: string) {
  const out = [];
  for await (const r of readRecords(rec, await readRecordIndex(idx, rec))) out.push(r);
  return out;
}

describe('MXNet RecordIO (train.rec + train.idx)', () => {
  it('reads the header record, every image with its label, and the identity ranges', async () => {
    const records = await all(join(fixtures, 'train.rec'), join(fixtures, 'train.idx'));
    expect(records).toHaveLength(25);
    expect(records[0]).toMatchObject({ key: 0, offset: 0, flag: 2 });
    expect(Array.from(records[0]!.labels!)).toEqual([19, 25]);
    const images = records.slice(1, 19);
    expect(images.map((r) => r.label)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5]);
    for (const r of images) expect(r.image.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(Array.from(records[19]!.labels!)).toEqual([1, 4]);
    expect(records[19]!.image.length).toBe(0);
  });

  it('joins a record written in parts (its payload held the magic) with the magic between them', async () => {
    const records = await all(join(fixtures, 'train.rec'), join(fixtures, 'train.idx'));
    const split = records.find((r) => r.key === 8)!;
    const magic = Buffer.alloc(4);
    magic.writeUInt32LE(recordMagic, 0);
    expect(split.image.subarray(-8).equals(Buffer.concat([magic, Buffer.from('tail')]))).toBe(true);
    expect(readFileSync(join(fixtures, 'train.rec')).readUInt32LE(split.offset + 4) >>> 29).toBe(1); // cflag: first part
  });

  it('names the file, record and byte offset of a corrupt record', async () => {
    const rec = join(tmp, 'corrupt.rec');
    const bytes = readFileSync(join(fixtures, 'train.rec'));
    const fifth = Number(/^4\t(\d+)$/m.exec(readFileSync(join(fixtures, 'train.idx'), 'utf8'))![1]);
    bytes.writeUInt32LE(0xdeadbeef, fifth);
    writeFileSync(rec, bytes);
    await expect(all(rec, join(fixtures, 'train.idx'))).rejects.toThrow(
      `${rec}: record 4 at byte ${fifth} starts with 0xdeadbeef, not the RecordIO magic 0xced7230a; the file is corrupt (or not MXNet RecordIO).`,
    );
  });

  it('says the .idx is missing, where it should be', async () => {
    const rec = join(tmp, 'alone.rec');
    copyFileSync(join(fixtures, 'train.rec'), rec);
    await expect(readRecordIndex(join(tmp, 'alone.idx'), rec)).rejects.toThrow(
      `${join(tmp, 'alone.idx')} is missing: an insightface training set is train.rec with its index train.idx beside it`,
    );
  });

  it('refuses a truncated .rec and an index that does not match the records', async () => {
    const rec = join(tmp, 'short.rec');
    writeFileSync(rec, readFileSync(join(fixtures, 'train.rec')).subarray(0, 3000));
    await expect(all(rec, join(fixtures, 'train.idx'))).rejects.toThrow(
      /short\.rec: record \d+ at byte \d+ claims \d+ bytes but the file has \d+ left; it is truncated or corrupt\./,
    );
    const idx = join(tmp, 'shifted.idx');
    writeFileSync(
      idx,
      readFileSync(join(fixtures, 'train.idx'), 'utf8').replace(/^3\t(\d+)$/m, (_, o) => `3\t${Number(o) + 4}`),
    );
    await expect(all(join(fixtures, 'train.rec'), idx)).rejects.toThrow(
      /train\.rec: record 3 \(key 3\) should start at byte \d+ \(the index says\) but the previous record ended at byte \d+/,
    );
    const text = join(tmp, 'text.idx');
    writeFileSync(text, 'not an index\n');
    await expect(readRecordIndex(text, rec)).rejects.toThrow(/text\.idx: line 1 is not "key<TAB>offset"/);
  });
});
