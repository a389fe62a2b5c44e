import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { contiguousFold, readVerificationBin } from './verification-bin.js';

// The verification-set reader on files Debian's python3 wrote (fixtures/make-fixtures.py): the same
// set pickled as Python 2 does, as Python 3 does at protocol 2 (bytes via _codecs.encode), at
// protocol 4 (insightface's Python 3 scripts) and at protocol 5 with bytearrays; and the bad files.

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'ddl-pickle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function read(file: string) {
  const bytes: string[] = [];
  const bin = await readVerificationBin(file, (b, index) => {
    expect(index).toBe(bytes.length);
    bytes[index] = createHash('sha1').update(b).digest('hex');
  });
  return { bin, images: bin.images.map((i) => bytes[i]!), first: bytes };
}

describe('insightface verification sets (.bin)', () => {
  it('reads the same 40 JPEGs and 20 flags whichever Python and protocol wrote the file', async () => {
    const reference = await read(join(fixtures, 'lfw-like-p4.bin'));
    expect(reference.bin.protocol).toBe(4);
    expect(reference.images).toHaveLength(40);
    expect(reference.bin.issame).toEqual(Array.from({ length: 20 }, (_, k) => k % 2 === 0));
    // Real JPEG bytes: every image starts with the JPEG marker.
    const sink: Buffer[] = [];
    await readVerificationBin(join(fixtures, 'lfw-like-p4.bin'), (b) => {
      sink.push(b);
    });
    for (const b of sink) expect(b.subarray(0, 3).toString('hex')).toBe('ffd8ff');
    for (const [file, protocol] of [
      ['lfw-like-p2-py2.bin', 2],
      ['lfw-like-p2.bin', 2],
      ['lfw-like-p5-bytearray.bin', 5],
    ] as const) {
      const other = await read(join(fixtures, file));
      expect(other.bin.protocol, file).toBe(protocol);
      expect(other.images, file).toEqual(reference.images);
      expect(other.bin.issame, file).toEqual(reference.bin.issame);
    }
  });

  it('shares the handle of an image the pickle refers back to (memo), so repeats reach the sink once', async () => {
    const shared = await read(join(fixtures, 'lfw-like-p4.bin'));
    const copies = await read(join(fixtures, 'lfw-like-p5-bytearray.bin'));
    expect(shared.first.length).toBeLessThan(40); // Python pickled each repeated bytes object once
    expect(copies.first.length).toBe(40); // distinct bytearray objects: every one is sent
  });

  it('refuses a numpy array of flags and a pickle of something else, naming the file, the opcode and the offset', async () => {
    await expect(read(join(fixtures, 'numpy-flags.bin'))).rejects.toThrow(
      /numpy-flags\.bin: the pickle refers to numpy\.core\.multiarray\._reconstruct \(a numpy array; insightface writes Python lists.*opcode STACK_GLOBAL at byte \d+/,
    );
    await expect(read(join(fixtures, 'wrong-pickle.bin'))).rejects.toThrow(
      /wrong-pickle\.bin: pickle opcode 0x7d EMPTY_DICT \(a dict\) at byte 11 is not one an insightface verification set uses/,
    );
  });

  it('says where a truncated file ends, and refuses files that are not pickles or carry trailing bytes', async () => {
    const whole = readFileSync(join(fixtures, 'lfw-like-p2-py2.bin'));
    const truncated = join(tmp, 'truncated.bin');
    writeFileSync(truncated, whole.subarray(0, 5000));
    await expect(read(truncated)).rejects.toThrow(
      new RegExp(
        `truncated\\.bin: the file ends at byte 5000 in the middle of a byte string \\(\\d+ more bytes expected\\); it is truncated\\.`,
      ),
    );
    const jpeg = join(tmp, 'photo.bin');
    writeFileSync(
      jpeg,
      readFileSync(join(fixtures, '..', '..', '..', '..', 'node_modules/@vladmandic/face-api/demo/sample1.jpg')),
    );
    await expect(read(jpeg)).rejects.toThrow(
      /photo\.bin: the file does not start with a pickle protocol 2–5 header \(first byte 0xff\)/,
    );
    const empty = join(tmp, 'empty.bin');
    writeFileSync(empty, '');
    await expect(read(empty)).rejects.toThrow(/empty\.bin: the file is empty/);
    const trailing = join(tmp, 'trailing.bin');
    writeFileSync(trailing, Buffer.concat([whole, Buffer.from('xyz')]));
    await expect(read(trailing)).rejects.toThrow(/trailing\.bin: 3 bytes follow the end of the pickle/);
  });

  it('deals pairs into 10 contiguous folds as sklearn KFold(10) does', () => {
    const sizes = (pairs: number) => {
      const out = new Array<number>(10).fill(0);
      for (let k = 0; k < pairs; k++) out[contiguousFold(k, pairs)]!++;
      return out;
    };
    expect(sizes(6000)).toEqual(new Array(10).fill(600));
    expect(sizes(7003)).toEqual([701, 701, 701, 700, 700, 700, 700, 700, 700, 700]);
    expect(contiguousFold(599, 6000)).toBe(0);
    expect(contiguousFold(600, 6000)).toBe(1);
    expect(contiguousFold(5999, 6000)).toBe(9);
  });
});
