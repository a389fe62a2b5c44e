import { existsSync } from 'node:fs';
import { readLines } from '../text-lines.js';
import { FileBytes } from './file-bytes.js';

// MXNet RecordIO as insightface's training sets use it (train.rec + train.idx). A record: uint32
// magic 0xced7230a, uint32 with the payload length in the lower 29 bits and a continuation flag
// (cflag) in the upper 3, the payload, zero padding to 4 bytes. cflag 0 = a whole record; 1/2/3 =
// first/middle/last part of a record whose payload contained the magic (the parts are joined with
// the magic between them). The payload of an image record is an IRHeader (uint32 flag, float32
// label, uint64 id, uint64 id2), then `flag` float32 labels when flag > 0, then the encoded image.
// train.idx is text: `key<TAB>offset` per record.

export const recordMagic = 0xced7230a;
const irHeaderBytes = 24;

export interface ImageRecord {
  /** Key from train.idx. */
  key: number;
  /** Byte offset of the record in train.rec. */
  offset: number;
  flag: number;
  /** The header's label, or the label array's first value when flag > 0. */
  label: number;
  /** The label array (flag > 0), else null. */
  labels: Float32Array | null;
  image: Buffer;
}

export class RecordIOError extends Error {
  override name = 'RecordIOError';
}

/** Record offsets (ascending) and their keys, from train.idx. Checks every line. */
export async function readRecordIndex(
  idxFile: string,
  recFile: string,
): Promise<{ offsets: Float64Array; keys: Float64Array }> {
  if (!existsSync(idxFile))
    throw new RecordIOError(
      `${idxFile} is missing: an insightface training set is train.rec with its index train.idx beside it (MXNet's im2rec writes both); put the .idx next to ${recFile}.`,
    );
  const offsets: number[] = [];
  const keys: number[] = [];
  for await (const { line, text } of readLines(idxFile)) {
    if (text.trim() === '') continue;
    const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
    if (!match)
      throw new RecordIOError(
        `${idxFile}: line ${line} is not "key<TAB>offset" (two whole numbers); is this a RecordIO index?`,
      );
    keys.push(Number(match[1]));
    offsets.push(Number(match[2]));
  }
  if (offsets.length === 0) throw new RecordIOError(`${idxFile}: the index lists no record.`);
  const order = offsets.map((_, i) => i).sort((a, b) => offsets[a]! - offsets[b]!);
  return { offsets: Float64Array.from(order, (i) => offsets[i]!), keys: Float64Array.from(order, (i) => keys[i]!) };
}

/**
 * Every record of `recFile` in file order, read sequentially (one record in memory), each checked
 * against the index: a record must start where the index says one does.
 */
export async function* readRecords(
  recFile: string,
  index: { offsets: Float64Array; keys: Float64Array },
): AsyncGenerator<ImageRecord> {
  const input = await FileBytes.open(recFile);
  try {
    let n = 0;
    while (!(await input.atEnd())) {
      const offset = input.offset;
      const expected = index.offsets[n];
      if (expected === undefined)
        throw new RecordIOError(
          `${recFile}: a record starts at byte ${offset} but the index lists only ${index.offsets.length} records; the .rec and .idx do not belong together.`,
        );
      if (expected !== offset)
        throw new RecordIOError(
          `${recFile}: record ${n} (key ${index.keys[n]}) should start at byte ${expected} (the index says) but the previous record ended at byte ${offset}; the file is corrupt.`,
        );
      const payload = await readPayload(input, recFile, n);
      yield parseImageRecord(payload, recFile, index.keys[n]!, offset);
      n++;
    }
    if (n < index.offsets.length)
      throw new RecordIOError(
        `${recFile}: the file ends after ${n} records at byte ${input.offset}; the index lists ${index.offsets.length}. The .rec is truncated.`,
      );
  } finally {
    await input.close();
  }
}

async function readPayload(input: FileBytes, file: string, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (;;) {
    const at = input.offset;
    const head = await input.read(8, `record ${n}'s header`);
    const magic = head.readUInt32LE(0);
    if (magic !== recordMagic)
      throw new RecordIOError(
        `${file}: record ${n} at byte ${at} starts with 0x${magic.toString(16).padStart(8, '0')}, not the RecordIO magic 0xced7230a; the file is corrupt (or not MXNet RecordIO).`,
      );
    const word = head.readUInt32LE(4);
    const cflag = word >>> 29;
    const length = word & 0x1fffffff;
    if (length > input.size - input.offset)
      throw new RecordIOError(
        `${file}: record ${n} at byte ${at} claims ${length} bytes but the file has ${input.size - input.offset} left; it is truncated or corrupt.`,
      );
    const data = await input.read(length, `record ${n}`);
    await input.skip((4 - (length % 4)) % 4, `record ${n}'s padding`);
    const expectStart = parts.length === 0;
    if (cflag === 0 && expectStart) return data;
    if ((cflag === 1 && expectStart) || ((cflag === 2 || cflag === 3) && !expectStart)) {
      if (!expectStart) {
        const magicBytes = Buffer.alloc(4);
        magicBytes.writeUInt32LE(recordMagic, 0);
        parts.push(magicBytes);
      }
      parts.push(data);
      if (cflag === 3) return Buffer.concat(parts);
      continue;
    }
    throw new RecordIOError(
      `${file}: record ${n} at byte ${at} has continuation flag ${cflag} out of sequence; the file is corrupt.`,
    );
  }
}

function parseImageRecord(payload: Buffer, file: string, key: number, offset: number): ImageRecord {
  if (payload.length < irHeaderBytes)
    throw new RecordIOError(
      `${file}: record ${key} at byte ${offset} holds ${payload.length} bytes, less than an image header (24); the file is corrupt.`,
    );
  const flag = payload.readUInt32LE(0);
  let label = payload.readFloatLE(4);
  let labels: Float32Array | null = null;
  let start = irHeaderBytes;
  if (flag > 0) {
    if (payload.length < irHeaderBytes + 4 * flag)
      throw new RecordIOError(
        `${file}: record ${key} at byte ${offset} announces ${flag} labels but is too short for them; the file is corrupt.`,
      );
    labels = new Float32Array(flag);
    for (let i = 0; i < flag; i++) labels[i] = payload.readFloatLE(irHeaderBytes + 4 * i);
    label = labels[0]!;
    start += 4 * flag;
  }
  return { key, offset, flag, label, labels, image: payload.subarray(start) };
}
