import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEmbeddingsFile, writeEmbeddingsFile } from './embeddings-file.js';

// The file an evaluation process hands a dataset's embeddings over in: what is read is what was
// written, and anything else is refused naming the file.

const dir = mkdtempSync(join(tmpdir(), 'ddl-embeddings-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embeddings file', () => {
  it('reads back the embeddings, image ids, labels and flip-test flag it wrote', () => {
    const rows = 5,
      dim = 3;
    const written = {
      embeddings: Float32Array.from({ length: rows * dim }, (_, i) => Math.sin(i) / 3),
      dim,
      imageIds: Int32Array.from([17, 4, 99, 5, 23]),
      labels: Int32Array.from([0, 0, 1, 2, 2]),
      rowOf: new Map([17, 4, 99, 5, 23].map((id, row) => [id, row])),
      flipTest: true,
    };
    const path = join(dir, 'e.bin');
    writeEmbeddingsFile(path, written);
    expect(readEmbeddingsFile(path)).toEqual(written);
    writeEmbeddingsFile(path, {
      ...written,
      flipTest: false,
      embeddings: written.embeddings.subarray(dim),
      imageIds: written.imageIds.subarray(1),
      labels: written.labels.subarray(1),
      rowOf: new Map([4, 99, 5, 23].map((id, row) => [id, row])),
    });
    expect(readEmbeddingsFile(path)).toMatchObject({
      flipTest: false,
      imageIds: Int32Array.from([4, 99, 5, 23]),
      rowOf: new Map([
        [4, 0],
        [99, 1],
        [5, 2],
        [23, 3],
      ]),
    });
  });

  it('refuses a file of another kind or cut short, naming it', () => {
    const path = join(dir, 'bad.bin');
    writeFileSync(path, 'not embeddings');
    expect(() => readEmbeddingsFile(path)).toThrow(`${path} is not an embeddings file (14 bytes)`);
    writeEmbeddingsFile(path, {
      embeddings: new Float32Array(6),
      dim: 3,
      imageIds: Int32Array.from([1, 2]),
      labels: Int32Array.from([0, 1]),
      rowOf: new Map(),
      flipTest: false,
    });
    writeFileSync(path, readFileSync(path).subarray(0, 30));
    expect(() => readEmbeddingsFile(path)).toThrow(`${path} is not an embeddings file (30 bytes)`);
  });
});
