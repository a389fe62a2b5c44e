import { PngCacheReader, PngCacheWriter, overwritePngCacheRows } from './png-cache.js';
import {
  formatOf,
  overwritePixelCacheRows,
  PixelCacheReader,
  PixelCacheWriter,
  readPixelCacheManifest,
  type CacheFormat,
  type PixelCacheManifest,
  type PixelRows,
} from './pixel-cache.js';

// One door to a dataset's pixel cache whatever its format: the writers imports and rebuilds use,
// the row readers samplers, evaluation and thumbnails use.

export interface PixelCacheSink {
  readonly size: number;
  /**
   * Stores row `idx`; a promise when the caller should wait before the next row (encodes in
   * flight). `png`: the same row already encoded as a png cache stores it (other formats ignore it).
   */
  write(idx: number, rgb: Uint8Array, png?: Uint8Array): void | Promise<void>;
  commit(count: number, fit: string): Promise<PixelCacheManifest>;
  discard(): void;
}

export function openPixelCacheWriter(
  dataDir: string,
  datasetId: number,
  size: number,
  labId: string,
  format: CacheFormat,
): PixelCacheSink {
  if (format === 'png') return new PngCacheWriter(dataDir, datasetId, size, labId);
  const raw = new PixelCacheWriter(dataDir, datasetId, size, labId);
  return {
    size,
    write: (idx, rgb) => raw.write(idx, rgb),
    commit: (count, fit) => Promise.resolve(raw.commit(count, fit)),
    discard: () => raw.discard(),
  };
}

export interface OpenRowsOptions {
  expectedCount?: number;
  /** Raw caches up to this many bytes are read into memory whole. */
  residentLimit?: number;
  labId?: string;
  /** Helper threads a png cache decodes batches with (default: the idle cores, at most 3). */
  decodeWorkers?: number;
}

/** The rows of the cache at `size` (raw or png, whichever the dataset has). */
export function openPixelRows(
  dataDir: string,
  datasetId: number,
  size: number,
  options: OpenRowsOptions = {},
): PixelRows {
  const found = readPixelCacheManifest(dataDir, datasetId, size);
  if (found && formatOf(found) === 'png') return PngCacheReader.open(dataDir, datasetId, size, options);
  return PixelCacheReader.open(dataDir, datasetId, size, options);
}

/** Rewrites single rows of a finished cache (files changed on disk). */
export async function overwriteCacheRows(
  dataDir: string,
  manifest: PixelCacheManifest,
  rows: ReadonlyArray<{ idx: number; rgb: Uint8Array }>,
): Promise<void> {
  if (formatOf(manifest) === 'png') await overwritePngCacheRows(dataDir, manifest.datasetId, manifest.size, rows);
  else overwritePixelCacheRows(dataDir, manifest.datasetId, manifest.size, rows);
}
