import * as tf from '@tensorflow/tfjs';
import { loadDatasetColumns } from '../../data/dataset-columns.js';
import { ensureImageCache } from '../../data/ensure-image-cache.js';
import { newImageBatch, putImage } from '../../data/image-batch.js';
import { PixelCacheReader } from '../../data/pixel-cache.js';
import { loadBackbone } from '../../models/index.js';
import type { LabDatabase } from '../../store/db.js';

// L2-normalised embeddings of every image of a dataset under a checkpoint's backbone (inference
// mode), in the dataset's idx order. What verification and identification are scored from.

export interface DatasetEmbeddings {
  /** rows × dim, each row unit length. */
  embeddings: Float32Array;
  dim: number;
  /** Identity index of each row. */
  labels: Int32Array;
  /** Image id -> row. */
  rowOf: Map<number, number>;
}

export async function embedDataset(db: LabDatabase, dataDir: string, datasetId: number, backboneDir: string, options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<DatasetEmbeddings> {
  const backbone = await loadBackbone(backboneDir);
  const size = backbone.inputSize;
  await ensureImageCache(db, datasetId, size, { dataDir });
  const columns = loadDatasetColumns(db, datasetId);
  const cache = PixelCacheReader.open(dataDir, datasetId, size, { expectedCount: columns.count });
  const batchSize = options.batchSize ?? 128;
  const dim = backbone.embeddingSize;
  const embeddings = new Float32Array(columns.count * dim);
  try {
    for (let start = 0; start < columns.count; start += batchSize) {
      const count = Math.min(batchSize, columns.count - start);
      const batch = newImageBatch(count, size);
      for (let slot = 0; slot < count; slot++) putImage(batch, slot, cache, start + slot, false);
      const rows = tf.tidy(() => {
        const raw = backbone.embed(tf.tensor4d(batch.pixels, [count, size, size, 3]), false);
        return tf.div(raw, tf.maximum(tf.norm(raw, 'euclidean', 1, true), 1e-12)).dataSync() as Float32Array;
      });
      embeddings.set(rows, start * dim);
      options.onProgress?.(start + count, columns.count);
    }
  } finally {
    cache.close();
    backbone.dispose();
  }
  return { embeddings, dim, labels: Int32Array.from(columns.identity), rowOf: columns.idToIdx };
}

/** Cosine of each pair (rows are unit length, so a dot product). */
export function pairScores(embedded: DatasetEmbeddings, image1Ids: Int32Array, image2Ids: Int32Array): Float64Array {
  const { embeddings, dim, rowOf } = embedded;
  const scores = new Float64Array(image1Ids.length);
  for (let i = 0; i < image1Ids.length; i++) {
    const a = rowOf.get(image1Ids[i]!);
    const b = rowOf.get(image2Ids[i]!);
    if (a === undefined || b === undefined) throw new Error(`pair ${i} names image ${a === undefined ? image1Ids[i] : image2Ids[i]}, which is not in the dataset`);
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += embeddings[a * dim + k]! * embeddings[b * dim + k]!;
    scores[i] = dot;
  }
  return scores;
}
