import type { LabDatabase } from '../store/db.js';
import { readLabId } from '../store/lab-meta.js';
import { insertImages, type NewImage } from '../store/images-repo.js';
import { decodeImage, type DecodedImage, type ResizeFit } from './decode-image.js';
import {
  decodeThreadCount,
  DecodeThreads,
  readAndDecode,
  type DecodedFile,
  type DecodeThreadStats,
} from './decode-threads.js';
import { ImageFileError } from './image-error.js';
import type { ImageCatalog } from './import-catalog.js';
import { mapOrdered, newPoolStats, type PoolStats } from './ordered-pool.js';
import { openPixelCacheWriter } from './pixel-cache-open.js';
import { requireDataset } from '../store/datasets-repo.js';
import type { ImageCandidate } from './scan-image-folder.js';

// The image stages of an import, streamed with a bounded number in flight:
// read + hash + decode/measure/resize (in parallel) -> dedupe -> write (cache row + database row).

export interface ImageStageOptions {
  db: LabDatabase;
  datasetId: number;
  dataDir: string;
  inputSize: number;
  maxPixels: number;
  maxFileBytes: number;
  fit: ResizeFit;
  concurrency: number;
  /** Decode threads beside the import's own (0: none); default decodeThreadCount(candidates). */
  decodeThreads?: number;
  signal?: AbortSignal;
  /** After each candidate: how many were handled. */
  onImage?: (done: number, path: string) => void;
}

export interface ImageStageResult {
  /** Database id of each kept image, by image index. */
  idxToId: number[];
  /** Candidates handled. */
  done: number;
  stats: PoolStats;
  decode: DecodeThreadStats;
}

type Decoded =
  | ({ ok: true; candidate: ImageCandidate } & DecodedFile<DecodedImage>)
  | { ok: false; candidate: ImageCandidate; error: ImageFileError };

/** Rows are inserted in batches of this many (one transaction each). */
const flushEvery = 500;

/** Read/measure stage for one candidate: an unreadable file becomes a result, anything else throws. */
async function readAndMeasure(
  candidate: ImageCandidate,
  options: ImageStageOptions,
  threads: DecodeThreads | undefined,
): Promise<Decoded> {
  const decode = { size: options.inputSize, maxPixels: options.maxPixels, fit: options.fit };
  try {
    const file = await readAndDecode(candidate.absolute, options.maxFileBytes, decode, threads, (bytes) =>
      decodeImage(bytes, decode),
    );
    return { ok: true, candidate, ...file };
  } catch (error) {
    if (error instanceof ImageFileError) return { ok: false, candidate, error };
    throw error;
  }
}

/** Write stage: database rows batched by index; the pixel rows go straight to the cache file. */
class ImageRowWriter {
  readonly idxToId: number[] = [];
  private pending: NewImage[] = [];

  constructor(
    private readonly db: LabDatabase,
    private readonly datasetId: number,
  ) {}

  add(row: NewImage): void {
    this.pending.push(row);
    if (this.pending.length >= flushEvery) this.flush();
  }

  flush(): void {
    const rows = this.pending;
    if (rows.length === 0) return;
    insertImages(this.db, this.datasetId, rows).forEach((id, i) => {
      this.idxToId[rows[i]!.idx] = id;
    });
    this.pending = [];
  }
}

/** Streams every candidate through the image stages into `catalog`, the cache and the database. */
export async function importImages(
  candidates: readonly ImageCandidate[],
  catalog: ImageCatalog,
  options: ImageStageOptions,
): Promise<ImageStageResult> {
  const { signal, concurrency } = options;
  const format = requireDataset(options.db, options.datasetId).cacheFormat;
  const cache = openPixelCacheWriter(
    options.dataDir,
    options.datasetId,
    options.inputSize,
    readLabId(options.db),
    format,
  );
  const rows = new ImageRowWriter(options.db, options.datasetId);
  const stats = newPoolStats();
  const threadCount = options.decodeThreads ?? decodeThreadCount(candidates.length);
  const threads = threadCount > 0 ? new DecodeThreads(threadCount, format === 'png') : undefined;
  let done = 0;
  try {
    const decoded = mapOrdered(candidates, concurrency, (c) => readAndMeasure(c, options, threads), { signal, stats });
    for await (const result of decoded) {
      done++;
      const { candidate } = result;
      if (!result.ok) catalog.skip(candidate, result.error);
      else if (!catalog.isDuplicate(candidate, result.sha1)) {
        const { idx, identity } = catalog.keep(candidate, result.sha1);
        await cache.write(idx, result.image.rgb, result.png);
        const { image } = result;
        rows.add({
          idx,
          path: candidate.path,
          pathBytes: candidate.pathBytes,
          identityIdx: identity,
          fileSize: result.fileSize,
          fileMtimeMs: result.fileMtimeMs,
          sha1: result.sha1,
          format: image.format,
          width: image.width,
          height: image.height,
          sharpness: image.sharpness,
          brightness: image.brightness,
          contrast: image.contrast,
        });
      }
      options.onImage?.(done, candidate.path);
    }
    signal?.throwIfAborted();
    rows.flush();
    if (catalog.count > 0) await cache.commit(catalog.count, options.fit);
    else cache.discard();
  } catch (error) {
    cache.discard();
    throw error;
  } finally {
    await threads?.close();
  }
  return { idxToId: rows.idxToId, done, stats, decode: threads?.stats() ?? { threads: 0, decoded: 0 } };
}
