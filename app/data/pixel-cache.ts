import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { LabDatabase } from '../store/db.js';
import { datasetCacheFolder, datasetCacheFolders } from './cache-location.js';

// The per-dataset pixel cache: for each input size S one flat file of N rows of S*S*3 uint8 RGB
// (row = image idx), so any image is one read at a known offset. A JSON manifest beside it says
// what it holds; a cache being written is a `.partial` file renamed into place when complete.
// The manifest records the id of the lab that wrote it: a cache folder left by another lab (whose
// dataset had the same id) is never read as this lab's.

export const pixelCacheFormat = 'ddl-lab/pixel-cache';

/** How rows are stored: `raw` RGB bytes, or `png` (one lossless PNG per row; png-cache.ts). */
export const cacheFormats = ['raw', 'png'] as const;
export type CacheFormat = (typeof cacheFormats)[number];

/** The cache format named by `value`, or an error naming the value and the choices. */
export function parseCacheFormat(value: string, where = '--cache'): CacheFormat {
  if ((cacheFormats as readonly string[]).includes(value)) return value as CacheFormat;
  throw new Error(`${where} "${value}" is not a cache format; use one of: ${cacheFormats.join(', ')}.`);
}

export interface PixelCacheManifest {
  format: typeof pixelCacheFormat;
  version: 1;
  datasetId: number;
  size: number;
  count: number;
  fit: string;
  createdAt: string;
  /** The lab that wrote it (lab_meta); absent in caches written before labs had ids. */
  labId?: string;
  /** `png` for a compressed cache; absent for raw rows (every cache written before formats existed). */
  encoding?: 'png';
}

export function formatOf(manifest: PixelCacheManifest): CacheFormat {
  return manifest.encoding ?? 'raw';
}

/** The data directory of a database file: caches live beside it. */
export function dataDirOf(db: LabDatabase, dataDir?: string): string {
  if (dataDir) return dataDir;
  if (db.memory)
    throw new Error('An in-memory database has no data directory; pass dataDir to say where image caches go.');
  return dirname(db.name);
}

export function datasetCacheDir(dataDir: string, datasetId: number): string {
  return datasetCacheFolder(dataDir, datasetId);
}

/**
 * The files of a cache: raw `rgb-S.u8` + `rgb-S.json`; png `png-S.bin` (the PNGs one after
 * another) + `png-S.idx` (float64 offset and length per row) + `png-S.json`.
 */
export function pixelCachePaths(
  dataDir: string,
  datasetId: number,
  size: number,
  format: CacheFormat = 'raw',
): { pixels: string; manifest: string; index?: string } {
  const dir = datasetCacheDir(dataDir, datasetId);
  if (format === 'png')
    return {
      pixels: join(dir, `png-${size}.bin`),
      manifest: join(dir, `png-${size}.json`),
      index: join(dir, `png-${size}.idx`),
    };
  return { pixels: join(dir, `rgb-${size}.u8`), manifest: join(dir, `rgb-${size}.json`) };
}

/** Every file of the cache a manifest describes (to copy it whole). */
export function pixelCacheFiles(dataDir: string, manifest: PixelCacheManifest): string[] {
  const paths = pixelCachePaths(dataDir, manifest.datasetId, manifest.size, formatOf(manifest));
  return [paths.pixels, ...(paths.index ? [paths.index] : []), paths.manifest];
}

/** A complete cache at `size` (of `format`, else raw or png, whichever is there), or null. */
export function readPixelCacheManifest(
  dataDir: string,
  datasetId: number,
  size: number,
  format?: CacheFormat,
): PixelCacheManifest | null {
  for (const f of format ? [format] : cacheFormats) {
    const found = readManifestOf(dataDir, datasetId, size, f);
    if (found) return found;
  }
  return null;
}

function readManifestOf(
  dataDir: string,
  datasetId: number,
  size: number,
  format: CacheFormat,
): PixelCacheManifest | null {
  const { manifest, pixels, index } = pixelCachePaths(dataDir, datasetId, size, format);
  if (!existsSync(manifest) || !existsSync(pixels) || (index && !existsSync(index))) return null;
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as PixelCacheManifest;
    if (parsed.format !== pixelCacheFormat || parsed.size !== size || parsed.datasetId !== datasetId) return null;
    if (formatOf(parsed) !== format) return null;
    if (index) {
      if (fstatSizeOf(index) !== parsed.count * 16) return null;
    } else if (fstatSizeOf(pixels) !== parsed.count * size * size * 3) return null;
    return parsed;
  } catch {
    return null;
  }
}

function fstatSizeOf(file: string): number {
  const fd = openSync(file, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/**
 * Why the cache described by `manifest` is not this lab's dataset's, or null when it is. A cache
 * from before lab ids is taken as this lab's only if it was written after the dataset was created
 * (a leftover of an older dataset with the same id predates it).
 */
export function foreignCacheReason(
  manifest: PixelCacheManifest,
  labId: string,
  datasetCreatedAt: string,
  dataDir: string,
): string | null {
  const where = pixelCachePaths(dataDir, manifest.datasetId, manifest.size, formatOf(manifest)).pixels;
  if (manifest.labId !== undefined && manifest.labId !== labId)
    return `the ${manifest.size}×${manifest.size} pixel cache ${where} was written by another lab (lab id ${manifest.labId}; this lab is ${labId}), for another dataset ${manifest.datasetId}`;
  if (manifest.labId === undefined && manifest.createdAt < datasetCreatedAt)
    return `the ${manifest.size}×${manifest.size} pixel cache ${where} (written ${manifest.createdAt}) is older than dataset ${manifest.datasetId} (created ${datasetCreatedAt}): it belongs to an earlier dataset with the same id`;
  return null;
}

/** Records this lab's id in a cache written before labs had ids (once it is known to be this lab's). */
export function adoptPixelCache(dataDir: string, manifest: PixelCacheManifest, labId: string): void {
  const file = pixelCachePaths(dataDir, manifest.datasetId, manifest.size, formatOf(manifest)).manifest;
  writeFileSync(`${file}.tmp`, JSON.stringify({ ...manifest, labId }, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** Deletes a dataset's cache wherever it is (inside the data folder, the cache folder, both); returns the folders deleted. */
export function removeDatasetCache(dataDir: string, datasetId: number): string[] {
  return datasetCacheFolders(dataDir, datasetId).filter((folder) => {
    if (!existsSync(folder)) return false;
    rmSync(folder, { recursive: true, force: true });
    return true;
  });
}

/** Writes rows by index into a `.partial` file; `commit` makes it the cache. */
export class PixelCacheWriter {
  private readonly fd: number;
  private readonly partial: string;
  readonly rowBytes: number;

  constructor(
    private readonly dataDir: string,
    private readonly datasetId: number,
    readonly size: number,
    private readonly labId: string,
  ) {
    const { pixels } = pixelCachePaths(dataDir, datasetId, size);
    mkdirSync(dirname(pixels), { recursive: true });
    this.partial = `${pixels}.partial`;
    this.fd = openSync(this.partial, 'w');
    this.rowBytes = size * size * 3;
  }

  write(idx: number, rgb: Uint8Array): void {
    if (rgb.length !== this.rowBytes)
      throw new Error(`Cache row for image ${idx} has ${rgb.length} bytes; expected ${this.rowBytes}.`);
    writeSync(this.fd, rgb, 0, rgb.length, idx * this.rowBytes);
  }

  commit(count: number, fit: string): PixelCacheManifest {
    fsyncSync(this.fd);
    closeSync(this.fd);
    const { pixels, manifest } = pixelCachePaths(this.dataDir, this.datasetId, this.size);
    renameSync(this.partial, pixels);
    return writeCacheManifest(manifest, { datasetId: this.datasetId, size: this.size, count, fit, labId: this.labId });
  }

  discard(): void {
    discardPartialCache(this.fd, this.partial);
  }
}

/** Writes a finished cache's manifest (atomically: a temporary file renamed over it) and returns it. */
export function writeCacheManifest(
  file: string,
  fields: Omit<PixelCacheManifest, 'format' | 'version' | 'createdAt'>,
): PixelCacheManifest {
  const content: PixelCacheManifest = {
    format: pixelCacheFormat,
    version: 1,
    ...fields,
    createdAt: new Date().toISOString(),
  };
  writeFileSync(`${file}.tmp`, JSON.stringify(content, null, 2));
  renameSync(`${file}.tmp`, file);
  return content;
}

/** Closes an abandoned writer's partial file (if still open) and removes it. */
export function discardPartialCache(fd: number, partial: string): void {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
  rmSync(partial, { force: true });
}

/** Rewrites single rows of a finished cache in place (a file changed on disk). */
export function overwritePixelCacheRows(
  dataDir: string,
  datasetId: number,
  size: number,
  rows: ReadonlyArray<{ idx: number; rgb: Uint8Array }>,
): void {
  const fd = openSync(pixelCachePaths(dataDir, datasetId, size).pixels, 'r+');
  try {
    for (const r of rows) writeSync(fd, r.rgb, 0, r.rgb.length, r.idx * size * size * 3);
  } finally {
    closeSync(fd);
  }
}

/** Default: caches up to this size are read into memory whole; bigger ones are read row by row. */
export const residentCacheBytes = 512 * 2 ** 20;

/** Random access to a cache's rows, whatever its format. */
export interface PixelRows {
  readonly size: number;
  readonly count: number;
  readonly rowBytes: number;
  /** Image idx's size·size·3 RGB bytes: a view valid until the next `row` or `prefetch` call. */
  row(idx: number): Uint8Array;
  /** Prepares these rows for the `row` calls that follow (a png cache decodes them in parallel). */
  prefetch(indices: ArrayLike<number>): void;
  close(): void;
}

/**
 * The manifest of this lab's cache at `size` (of `format`, else whichever is there), or an error
 * that says what is wrong and how to rebuild it.
 */
export function requirePixelCache(
  dataDir: string,
  datasetId: number,
  size: number,
  options: { expectedCount?: number; labId?: string; format?: CacheFormat } = {},
): PixelCacheManifest {
  const manifest = readPixelCacheManifest(dataDir, datasetId, size, options.format);
  if (!manifest) {
    throw new Error(
      `Dataset ${datasetId} has no ${size}×${size} pixel cache${options.format ? ` (${options.format})` : ''} in ${datasetCacheDir(dataDir, datasetId)}; build it with ensureImageCache(db, ${datasetId}, ${size}) or import with --size ${size}.`,
    );
  }
  if (manifest.labId !== undefined && options.labId !== undefined && manifest.labId !== options.labId) {
    throw new Error(
      `The ${size}×${size} pixel cache in ${datasetCacheDir(dataDir, datasetId)} was written by another lab (lab id ${manifest.labId}; this lab is ${options.labId}); ensureImageCache rebuilds it for this lab's dataset ${datasetId}.`,
    );
  }
  if (options.expectedCount !== undefined && manifest.count !== options.expectedCount) {
    throw new Error(
      `The ${size}×${size} pixel cache of dataset ${datasetId} holds ${manifest.count} images but the dataset has ${options.expectedCount}; rebuild it with ensureImageCache.`,
    );
  }
  return manifest;
}

/** Random access to raw cached rows. `row(idx)` returns a view valid until the next call. */
export class PixelCacheReader implements PixelRows {
  readonly rowBytes: number;
  private readonly resident: Buffer | null;
  private readonly fd: number | null;
  private readonly scratch: Buffer;

  private constructor(
    readonly size: number,
    readonly count: number,
    file: string,
    residentLimit: number,
  ) {
    this.rowBytes = size * size * 3;
    const bytes = count * this.rowBytes;
    if (bytes <= residentLimit) {
      this.resident = readFileSync(file);
      this.fd = null;
    } else {
      this.resident = null;
      this.fd = openSync(file, 'r');
    }
    this.scratch = Buffer.allocUnsafe(this.rowBytes);
  }

  static open(
    dataDir: string,
    datasetId: number,
    size: number,
    options: { expectedCount?: number; residentLimit?: number; labId?: string } = {},
  ): PixelCacheReader {
    const manifest = requirePixelCache(dataDir, datasetId, size, { ...options, format: 'raw' });
    return new PixelCacheReader(
      size,
      manifest.count,
      pixelCachePaths(dataDir, datasetId, size).pixels,
      options.residentLimit ?? residentCacheBytes,
    );
  }

  /** Nothing to prepare: every raw row is one read. */
  prefetch(): void {}

  get isResident(): boolean {
    return this.resident !== null;
  }

  row(idx: number): Uint8Array {
    if (idx < 0 || idx >= this.count)
      throw new RangeError(`Image index ${idx} is outside the cache (0..${this.count - 1}).`);
    if (this.resident) return this.resident.subarray(idx * this.rowBytes, (idx + 1) * this.rowBytes);
    readSync(this.fd as number, this.scratch, 0, this.rowBytes, idx * this.rowBytes);
    return this.scratch;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
  }
}
