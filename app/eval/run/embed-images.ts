import * as tf from '@tensorflow/tfjs';
import { loadDatasetColumns } from '../../data/dataset-columns.js';
import { ensureImageCache } from '../../data/ensure-image-cache.js';
import { newImageBatch, putImage } from '../../data/image-batch.js';
import { openPixelRows } from '../../data/pixel-cache-open.js';
import { loadBackbone, type Backbone } from '../../models/index.js';
import type { LabDatabase } from '../../store/db.js';

// L2-normalised embeddings of a dataset's images (all of them, or the ones given, e.g. a pair
// list's) under a saved backbone, in inference mode (BN running statistics, no dropout), batched.
// Flip-test (insightface's): the raw embeddings of the image and of its left-right mirror are
// summed, then the sum is L2-normalised; both go through the network in the same batch.

export interface ImageEmbeddings {
  /** rows × dim, each row unit length (a zero row stays zero); raw embeddings with `raw`. */
  embeddings: Float32Array;
  dim: number;
  /** Image id of each row. */
  imageIds: Int32Array;
  /** Identity index of each row (the dataset's identity idx). */
  labels: Int32Array;
  /** Image id -> row. */
  rowOf: Map<number, number>;
  flipTest: boolean;
}

export interface EmbedOptions {
  /** Embed these images only (rows in this order, duplicates once); default: every image of the dataset in idx order. */
  imageIds?: ArrayLike<number>;
  flipTest?: boolean;
  /** Keep the raw embeddings (no L2 normalisation), e.g. to take their mean (pretrained-start.ts). */
  raw?: boolean;
  /** Images per forward pass (default 128; a flip-test pass holds twice as many). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Embeds with an already loaded backbone (the caller disposes it). */
export async function embedWithBackbone(
  db: LabDatabase,
  dataDir: string,
  datasetId: number,
  backbone: Backbone,
  options: EmbedOptions = {},
): Promise<ImageEmbeddings> {
  const size = backbone.inputSize;
  const flipTest = options.flipTest ?? false;
  const batchSize = options.batchSize ?? 128;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batchSize is ${batchSize}; use a whole number ≥ 1.`);
  await ensureImageCache(db, datasetId, size, { dataDir, signal: options.signal });
  const columns = loadDatasetColumns(db, datasetId);
  const rowsIdx = selectRows(columns.idToIdx, columns.count, options.imageIds, datasetId);
  const count = rowsIdx.length;
  const dim = backbone.embeddingSize;
  const embeddings = new Float32Array(count * dim);
  const cache = openPixelRows(dataDir, datasetId, size, { expectedCount: columns.count });
  try {
    for (let start = 0; start < count; start += batchSize) {
      options.signal?.throwIfAborted();
      const n = Math.min(batchSize, count - start);
      const batch = newImageBatch(flipTest ? 2 * n : n, size);
      cache.prefetch(rowsIdx.subarray(start, start + n));
      for (let slot = 0; slot < n; slot++) {
        putImage(batch, slot, cache, rowsIdx[start + slot]!, false);
        if (flipTest) putImage(batch, n + slot, cache, rowsIdx[start + slot]!, true);
      }
      const normalised = tf.tidy(() => {
        let raw = backbone.embed(tf.tensor4d(batch.pixels, [batch.count, size, size, 3]), false);
        if (flipTest) raw = tf.add(raw.slice([0, 0], [n, dim]), raw.slice([n, 0], [n, dim]));
        if (options.raw) return raw;
        return tf.div(raw, tf.maximum(tf.norm(raw, 'euclidean', 1, true), 1e-12));
      });
      // Asynchronous: GPU backends cannot read synchronously, and the wait lets other work run.
      const rows = (await normalised.data()) as Float32Array;
      normalised.dispose();
      embeddings.set(rows, start * dim);
      options.onProgress?.(start + n, count);
      // Let a cancel or a progress event through between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    cache.close();
  }
  const imageIds = Int32Array.from(rowsIdx, (i) => columns.ids[i]!);
  const labels = Int32Array.from(rowsIdx, (i) => columns.identity[i]!);
  const rowOf = new Map<number, number>();
  imageIds.forEach((id, row) => rowOf.set(id, row));
  return { embeddings, dim, imageIds, labels, rowOf, flipTest };
}

/** Loads the backbone saved in `backboneDir` (a checkpoint's `backbone/` folder), embeds, disposes it. */
export async function embedDataset(
  db: LabDatabase,
  dataDir: string,
  datasetId: number,
  backboneDir: string,
  options: EmbedOptions = {},
): Promise<ImageEmbeddings> {
  let backbone: Backbone;
  try {
    backbone = await loadBackbone(backboneDir);
  } catch (error) {
    throw new Error(
      `cannot load the backbone saved in ${backboneDir}: ${(error as Error).message}. The checkpoint folder may have been moved or deleted; evaluate another checkpoint.`,
    );
  }
  try {
    return await embedWithBackbone(db, dataDir, datasetId, backbone, options);
  } finally {
    backbone.dispose();
  }
}

/** Dataset idx of each row to embed. */
function selectRows(
  idToIdx: Map<number, number>,
  count: number,
  imageIds: ArrayLike<number> | undefined,
  datasetId: number,
): Int32Array {
  if (!imageIds) return Int32Array.from({ length: count }, (_, i) => i);
  const seen = new Set<number>();
  const rows: number[] = [];
  for (let k = 0; k < imageIds.length; k++) {
    const id = imageIds[k]!;
    if (seen.has(id)) continue;
    seen.add(id);
    const idx = idToIdx.get(id);
    if (idx === undefined)
      throw new Error(`image ${id} is not in dataset ${datasetId}; embed images of one dataset at a time.`);
    rows.push(idx);
  }
  return Int32Array.from(rows);
}

/** The distinct images a pair list names, first appearance first. */
export function pairImageIds(image1Ids: ArrayLike<number>, image2Ids: ArrayLike<number>): Int32Array {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < image1Ids.length; i++) {
    for (const id of [image1Ids[i]!, image2Ids[i]!])
      if (!seen.has(id)) {
        seen.add(id);
        out.push(id);
      }
  }
  return Int32Array.from(out);
}
