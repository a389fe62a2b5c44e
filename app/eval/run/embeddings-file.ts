import { readFileSync, writeFileSync } from 'node:fs';
import type { ImageEmbeddings } from './embed-images.js';

// ImageEmbeddings as one file, for an evaluation process to hand a dataset's embeddings to its
// parent (an IPC message would copy tens of megabytes through JSON): a 16-byte header (magic
// "DDLE", rows, dim, flip-test flag), then rows × dim float32 embeddings, rows int32 image ids and
// rows int32 identity labels, in the machine's byte order (both processes run on it).

const magic = 0x454c4444; // "DDLE" read as a little-endian uint32

export function writeEmbeddingsFile(path: string, e: ImageEmbeddings): void {
  const rows = e.imageIds.length;
  const header = new Uint32Array([magic, rows, e.dim, e.flipTest ? 1 : 0]);
  const parts = [header, e.embeddings, e.imageIds, e.labels].map(
    (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
  );
  writeFileSync(path, Buffer.concat(parts));
}

export function readEmbeddingsFile(path: string): ImageEmbeddings {
  const bytes = readFileSync(path);
  // Copies into fresh buffers: a file's Buffer may sit at an offset typed arrays cannot start at.
  const words = (offset: number, count: number) =>
    bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * count);
  const [tag, rows, dim, flip] = bytes.length >= 16 ? new Uint32Array(words(0, 4)) : [];
  if (tag !== magic || bytes.length !== 16 + 4 * rows! * (dim! + 2))
    throw new Error(`${path} is not an embeddings file (${bytes.length} bytes)`);
  const imageIds = new Int32Array(words(16 + 4 * rows! * dim!, rows!));
  const rowOf = new Map<number, number>();
  imageIds.forEach((id, row) => rowOf.set(id, row));
  return {
    embeddings: new Float32Array(words(16, rows! * dim!)),
    dim: dim!,
    imageIds,
    labels: new Int32Array(words(16 + 4 * rows! * (dim! + 1), rows!)),
    rowOf,
    flipTest: flip === 1,
  };
}
