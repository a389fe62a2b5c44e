import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { contiguousFold, readVerificationBin, verificationBinFolds } from './verification-bin.js';
import { readRecordIndex, readRecords, RecordIOError } from './recordio.js';

// Turns an insightface file into what the ordinary import reads: the images extracted, once each,
// into a folder of the lab's own (`<data dir>/extracted/<name>-N/images/…`), a list file
// `path label` and, for a verification set, a pair list CSV with each pair's fold. The user's file
// is only read. A failure removes the folder: nothing half-extracted stays.

export type InsightfaceFormat = 'verification-bin' | 'recordio';

export interface Extracted {
  format: InsightfaceFormat;
  source: string;
  folder: string;
  listFile: string;
  pairsFile: string | null;
  /** Encoded images read from the source. */
  images: number;
  /** Images whose bytes repeat an earlier image's (written once; pairs refer to the first). */
  repeated: number;
  identities: number;
  pairs: number;
  folds: number;
  /** Records skipped because they hold no image (the identity-range records of a training set). */
  skippedRecords: number;
}

export interface ExtractProgress {
  phase: 'extracting';
  done: number;
  total: number;
  bad: number;
}

export interface ExtractOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ExtractProgress) => void;
}

/** The insightface format a path names by its extension, or null. */
export function insightfaceFormat(path: string): InsightfaceFormat | null {
  const ext = extname(path).toLowerCase();
  return ext === '.bin' ? 'verification-bin' : ext === '.rec' ? 'recordio' : null;
}

/** A new empty folder `<dataDir>/extracted/<name>-N`. */
export function newExtractFolder(dataDir: string, name: string): string {
  const parent = join(dataDir, 'extracted');
  mkdirSync(parent, { recursive: true });
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_') || 'dataset';
  for (let n = 1; ; n++) {
    const folder = join(parent, `${safe}-${n}`);
    try {
      mkdirSync(folder);
      return folder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** The lab's own extracted folder a dataset root is (removed with the dataset), as a list of 0 or 1. */
export function extractedFolderOf(dataDir: string, root: string): string[] {
  const parent = resolve(dataDir, 'extracted');
  const folder = resolve(root);
  return dirname(folder) === parent ? [folder] : [];
}

export async function extractInsightface(
  file: string,
  folder: string,
  options: ExtractOptions = {},
): Promise<Extracted> {
  try {
    const format = insightfaceFormat(file);
    if (format === 'verification-bin') return await extractVerificationBin(file, folder, options);
    if (format === 'recordio') return await extractRecordIO(file, folder, options);
    throw new Error(`${file}: not an insightface file (.bin verification set or .rec training set).`);
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

/** File extension for encoded image bytes, from their magic number (sharp decodes by content anyway). */
export function imageExtension(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return '.jpg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return '.png';
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return '.bmp';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF') return '.webp';
  return '.jpg'; // unknown content: the import reports it as not an image
}

async function extractVerificationBin(file: string, folder: string, options: ExtractOptions): Promise<Extracted> {
  mkdirSync(join(folder, 'images'));
  const firstOfHash = new Map<string, number>();
  /** For each sink index: the index of the first image with the same bytes, and where it was written. */
  const canonical: number[] = [];
  const paths = new Map<number, string>();
  const bin = await readVerificationBin(file, (bytes, index) => {
    options.signal?.throwIfAborted();
    const sha1 = createHash('sha1').update(bytes).digest('hex');
    const first = firstOfHash.get(sha1);
    if (first !== undefined) {
      canonical[index] = first;
    } else {
      firstOfHash.set(sha1, index);
      canonical[index] = index;
      const path = `images/${String(index).padStart(6, '0')}${imageExtension(bytes)}`;
      writeFileSync(join(folder, path), bytes);
      paths.set(index, path);
    }
    options.onProgress?.({ phase: 'extracting', done: index + 1, total: 0, bad: 0 });
  });
  // A verification set names nobody: identities are the groups genuine pairs join (same bytes = same image).
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const imageOf = (listIndex: number) => canonical[bin.images[listIndex]!]!;
  bin.issame.forEach((same, k) => {
    if (!same) return;
    const a = find(imageOf(2 * k));
    const b = find(imageOf(2 * k + 1));
    if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
  });
  const identityName = new Map<number, string>();
  const list: string[] = [];
  for (const [index, path] of paths) {
    const root = find(index);
    let name = identityName.get(root);
    if (name === undefined) {
      name = `person-${String(identityName.size + 1).padStart(5, '0')}`;
      identityName.set(root, name);
    }
    list.push(`${path} ${name}`);
  }
  const listFile = join(folder, 'list.txt');
  writeFileSync(listFile, `${list.join('\n')}\n`);
  // The pair list is named after the file it came from: "lfw-pairs.csv" for lfw.bin.
  const pairsFile = join(folder, `${basename(file, extname(file))}-pairs.csv`);
  const lines = ['path1,path2,same,fold'];
  const pairs = bin.issame.length;
  bin.issame.forEach((same, k) => {
    const a = paths.get(imageOf(2 * k))!;
    const b = paths.get(imageOf(2 * k + 1))!;
    lines.push(`${a},${b},${same ? 1 : 0},${contiguousFold(k, pairs)}`);
  });
  writeFileSync(pairsFile, `${lines.join('\n')}\n`);
  return {
    format: 'verification-bin',
    source: file,
    folder,
    listFile,
    pairsFile,
    images: bin.images.length,
    repeated: bin.images.length - paths.size,
    identities: identityName.size,
    pairs,
    folds: verificationBinFolds,
    skippedRecords: 0,
  };
}

async function extractRecordIO(file: string, folder: string, options: ExtractOptions): Promise<Extracted> {
  const idxFile = join(file, '..', `${basename(file, extname(file))}.idx`);
  const index = await readRecordIndex(idxFile, file);
  const total = index.offsets.length;
  mkdirSync(join(folder, 'images'));
  const listFile = join(folder, 'list.txt');
  const list: WriteStream = createWriteStream(listFile);
  const madeFolders = new Set<string>();
  const identities = new Set<number>();
  let images = 0;
  let skippedRecords = 0;
  /** Keys from this one on hold identity ranges (insightface's record 0 says where they start). */
  let firstRangeKey = Infinity;
  let done = 0;
  try {
    for await (const record of readRecords(file, index)) {
      options.signal?.throwIfAborted();
      done++;
      if (done % 256 === 0 || done === total) options.onProgress?.({ phase: 'extracting', done, total, bad: 0 });
      if (done === 1 && record.flag > 0 && record.image.length === 0 && record.labels && record.labels.length >= 2) {
        firstRangeKey = record.labels[0]!; // insightface's header record: images are keys 1 … label[0]-1
        skippedRecords++;
        continue;
      }
      if (record.key >= firstRangeKey || (record.flag > 0 && record.image.length === 0)) {
        skippedRecords++;
        continue;
      }
      const label = record.label;
      if (!Number.isInteger(label) || label < 0)
        throw new RecordIOError(
          `${file}: record ${record.key} at byte ${record.offset} has label ${label}; an identity label must be a whole number ≥ 0.`,
        );
      const dir = `images/${label}`;
      if (!madeFolders.has(dir)) {
        mkdirSync(join(folder, dir), { recursive: true });
        madeFolders.add(dir);
      }
      const path = `${dir}/${record.key}${imageExtension(record.image)}`;
      writeFileSync(join(folder, path), record.image);
      if (!list.write(`${path} ${label}\n`)) await new Promise<void>((resolve) => list.once('drain', () => resolve()));
      identities.add(label);
      images++;
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      list.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
  if (images === 0) throw new RecordIOError(`${file}: none of its ${total} records holds an image.`);
  return {
    format: 'recordio',
    source: file,
    folder,
    listFile,
    pairsFile: null,
    images,
    repeated: 0,
    identities: identities.size,
    pairs: 0,
    folds: 0,
    skippedRecords,
  };
}
