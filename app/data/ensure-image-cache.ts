import { createHash } from 'node:crypto';
import { requireDataset, updateDataset } from '../store/datasets-repo.js';
import type { LabDatabase } from '../store/db.js';
import { readLabId } from '../store/lab-meta.js';
import { datasetFaces } from '../store/faces-repo.js';
import { iterateImages, updateImageFile } from '../store/images-repo.js';
import { acquireCacheBuildLock } from './cache-build-lock.js';
import { makeCacheFolder } from './cache-location.js';
import { decodeImage, type ResizeFit } from './decode-image.js';
import { decodeThreadCount, DecodeThreads, readAndDecode } from './decode-threads.js';
import { ImageFileError } from './image-error.js';
import { realignFace } from './import-faces.js';
import { mapOrdered } from './ordered-pool.js';
import {
  adoptPixelCache,
  dataDirOf,
  datasetCacheDir,
  foreignCacheReason,
  pixelCachePaths,
  readPixelCacheManifest,
  type PixelCacheManifest,
} from './pixel-cache.js';
import { openPixelCacheWriter, overwriteCacheRows } from './pixel-cache-open.js';
import { defaultMaxFileBytes, readImageFile, statFollowing } from './read-image-file.js';

// Makes sure a dataset has a pixel cache at `size` that matches the files on disk: builds it when
// missing, and (verify) re-decodes any image whose size or modification time changed since import,
// updating its measured attributes and its row in every cached size. A cache another lab left
// under this dataset's id is rebuilt, and the result says why.

export interface EnsureCacheOptions {
  dataDir?: string;
  /** Stat every file and refresh changed ones (default true). */
  verify?: boolean;
  /** Images in flight while a cache is built or verified (default 16). */
  concurrency?: number;
  /** Decode threads for a build (0: none); default as at import (decode-threads.ts). */
  decodeThreads?: number;
  fit?: ResizeFit;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface EnsureCacheResult {
  size: number;
  /** The cache was (re)built from the files. */
  built: boolean;
  /** Images whose file changed and were re-decoded. */
  changed: Array<{ imageId: number; path: string }>;
  /** Images whose file can no longer be read: their cached pixels are kept (or black in a new cache). */
  failed: Array<{ imageId: number; path: string; reason: string; detail: string }>;
  /** Set when an existing cache was not this lab's dataset's and was rebuilt: why. */
  rebuiltBecause?: string;
}

interface FileRef {
  id: number;
  idx: number;
  path: string;
  absolute: string | Buffer;
  fileSize: number;
  fileMtimeMs: number;
}

export async function ensureImageCache(
  db: LabDatabase,
  datasetId: number,
  size: number,
  options: EnsureCacheOptions = {},
): Promise<EnsureCacheResult> {
  const dataset = requireDataset(db, datasetId);
  const dataDir = dataDirOf(db, options.dataDir);
  const fit = options.fit ?? 'cover';
  const concurrency = options.concurrency ?? 16;
  const refs: FileRef[] = [];
  for (const image of iterateImages(db, datasetId)) {
    const rel = image.pathBytes ?? Buffer.from(image.path);
    refs.push({
      id: image.id,
      idx: image.idx,
      path: image.path,
      absolute: Buffer.concat([Buffer.from(`${dataset.root}/`), rel]),
      fileSize: image.fileSize,
      fileMtimeMs: image.fileMtimeMs,
    });
  }
  const result: EnsureCacheResult = { size, built: false, changed: [], failed: [] };
  const labId = readLabId(db);
  // A face dataset's rows are aligned crops: re-aligned from the stored five points, never resized photos.
  const faces = datasetFaces(db, datasetId);
  const decodeRow = async (id: number, bytes: Buffer, s: number) => {
    const face = faces.get(id);
    if (face) return realignFace(bytes, face.points, s, dataset.maxPixels);
    return decodeImage(bytes, { size: s, maxPixels: dataset.maxPixels, fit });
  };
  // This lab's manifest at size s, or null (none, or another lab's: rebuilt below, never read).
  const ownManifest = (s: number): PixelCacheManifest | null => {
    const found = readPixelCacheManifest(dataDir, datasetId, s);
    if (!found) return null;
    const foreign = foreignCacheReason(found, labId, dataset.createdAt, dataDir);
    if (foreign) {
      if (s === size) result.rebuiltBecause = foreign;
      return null;
    }
    if (found.labId === undefined) adoptPixelCache(dataDir, found, labId);
    return found;
  };
  let manifest = ownManifest(size);
  // A size the dataset was cached at whose cache is gone (its folder deleted or moved away): say so.
  if (!manifest && !result.rebuiltBecause && dataset.inputSizes.includes(size))
    result.rebuiltBecause = `the ${size}×${size} pixel cache is no longer in ${datasetCacheDir(dataDir, datasetId)} (its folder was deleted or moved); it was rebuilt from the image files`;
  let release: (() => void) | undefined;
  if (!manifest || manifest.count !== refs.length) {
    // another process may be building this cache: wait for it, then it may be there
    // (its folder may be gone altogether: a deleted or moved cache folder)
    makeCacheFolder(datasetCacheDir(dataDir, datasetId));
    release = await acquireCacheBuildLock(`${pixelCachePaths(dataDir, datasetId, size).pixels}.lock`, options.signal);
    manifest = ownManifest(size);
    if (manifest && manifest.count === refs.length) release();
  }

  if (!manifest || manifest.count !== refs.length) {
    result.built = true;
    // A new cache is written in the dataset's format (chosen at import); one already there is read as it is.
    const writer = openPixelCacheWriter(dataDir, datasetId, size, labId, dataset.cacheFormat);
    const black = Buffer.alloc(size * size * 3);
    let done = 0;
    // Plain images decode on the decode threads, as at import; aligned faces are re-aligned here.
    const threadCount = faces.size === 0 ? (options.decodeThreads ?? decodeThreadCount(refs.length)) : 0;
    const threads = threadCount > 0 ? new DecodeThreads(threadCount, dataset.cacheFormat === 'png') : undefined;
    try {
      const decodeOne = async (ref: FileRef) => {
        try {
          const decode = { size, maxPixels: dataset.maxPixels, fit };
          const file = await readAndDecode(ref.absolute, defaultMaxFileBytes, decode, threads, (bytes) =>
            decodeRow(ref.id, bytes, size),
          );
          return { ref, rgb: file.image.rgb, png: file.png };
        } catch (error) {
          if (error instanceof ImageFileError) return { ref, error };
          throw error;
        }
      };
      for await (const r of mapOrdered(refs, concurrency, decodeOne, { signal: options.signal })) {
        if ('error' in r && r.error) {
          await writer.write(r.ref.idx, black);
          result.failed.push({ imageId: r.ref.id, path: r.ref.path, reason: r.error.reason, detail: r.error.detail });
        } else {
          const row = r as { rgb: Uint8Array; png?: Uint8Array };
          await writer.write(r.ref.idx, row.rgb, row.png);
        }
        options.onProgress?.(++done, refs.length);
      }
      await writer.commit(refs.length, fit);
    } catch (error) {
      writer.discard();
      throw error;
    } finally {
      release?.();
      await threads?.close();
    }
    const sizes = [...new Set([...requireDataset(db, datasetId).inputSizes, size])].sort((a, b) => a - b);
    updateDataset(db, datasetId, { inputSizes: sizes });
    if (options.verify === false) return result;
  }
  if (options.verify === false) return result;

  // Verify: stat every file; re-decode the ones whose fingerprint moved.
  const manifests = new Map<number, PixelCacheManifest>();
  for (const s of requireDataset(db, datasetId).inputSizes) {
    const own = ownManifest(s);
    if (own) manifests.set(s, own);
  }
  const sizes = [...manifests.keys()];
  let done = 0;
  const check = async (ref: FileRef) => {
    try {
      const stat = await statFollowing(ref.absolute);
      if (stat.size === ref.fileSize && stat.mtimeMs === ref.fileMtimeMs) return { ref };
      const file = await readImageFile(ref.absolute);
      const decoded = await Promise.all(sizes.map((s) => decodeRow(ref.id, file.bytes, s)));
      return { ref, file, decoded };
    } catch (error) {
      if (error instanceof ImageFileError) return { ref, error };
      throw error;
    }
  };
  const rewrites = new Map<number, Array<{ idx: number; rgb: Uint8Array }>>(sizes.map((s) => [s, []]));
  for await (const r of mapOrdered(refs, concurrency, check, { signal: options.signal })) {
    options.onProgress?.(++done, refs.length);
    if ('error' in r && r.error) {
      result.failed.push({ imageId: r.ref.id, path: r.ref.path, reason: r.error.reason, detail: r.error.detail });
      continue;
    }
    if (!('decoded' in r) || !r.decoded || !r.file) continue;
    const first = r.decoded[0]!;
    updateImageFile(db, r.ref.id, {
      fileSize: r.file.fileSize,
      fileMtimeMs: r.file.fileMtimeMs,
      sha1: createHash('sha1').update(r.file.bytes).digest('hex'),
      format: first.format,
      width: first.width,
      height: first.height,
      sharpness: first.sharpness,
      brightness: first.brightness,
      contrast: first.contrast,
    });
    sizes.forEach((s, k) => rewrites.get(s)!.push({ idx: r.ref.idx, rgb: r.decoded[k]!.rgb }));
    result.changed.push({ imageId: r.ref.id, path: r.ref.path });
  }
  if (result.changed.length) {
    for (const [s, rows] of rewrites) await overwriteCacheRows(dataDir, manifests.get(s)!, rows);
    updateDataset(db, datasetId, {});
  }
  return result;
}
