import { join } from 'node:path';
import { LabApiError } from '../contract/index.js';
import { initBackend } from '../../engine/backend.js';
import { cosineToIdentityMean } from '../../eval/index.js';
import { getDataset } from '../../store/datasets-repo.js';
import type { LabDatabase } from '../../store/db.js';
import { latestCheckpoint } from '../../store/runs-checkpoints.js';
import { getRunRecord } from '../../store/runs-repository.js';
import { embedDataset, type DatasetEmbeddings } from '../../train/demo/checkpoint-embeddings.js';

// Embeddings of a dataset under a run's latest checkpoint (app/train's embedDataset), computed in
// this process and kept for the last few (run, checkpoint, dataset revision) asked for: the Split
// page's model-based rule and an evaluation reuse them.

const kept = 2;

export class RunEmbeddings {
  private readonly cache = new Map<string, Promise<DatasetEmbeddings>>();

  constructor(private readonly db: () => LabDatabase, private readonly dataDir: string) {}

  /** The run's latest checkpoint, or a conflict error saying the run has none yet. */
  checkpointOf(runId: number) {
    if (!getRunRecord(this.db(), runId)) throw new LabApiError('not_found', `No run with id "${runId}". runs.list shows the runs there are.`);
    const checkpoint = latestCheckpoint(this.db(), runId);
    if (!checkpoint) throw new LabApiError('conflict', `Run ${runId} has no checkpoint yet; wait until it has trained for a while (or finished).`);
    return checkpoint;
  }

  async embeddings(runId: number, datasetId: number, onProgress?: (done: number, total: number) => void): Promise<DatasetEmbeddings> {
    const checkpoint = this.checkpointOf(runId);
    const dataset = getDataset(this.db(), datasetId);
    if (!dataset) throw new LabApiError('not_found', `No dataset with id "${datasetId}".`);
    const key = `${runId}:${checkpoint.step}:${datasetId}:${dataset.revision}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = initBackend().then(() => embedDataset(this.db(), this.dataDir, datasetId, join(checkpoint.path, 'backbone'), { onProgress }));
      pending.catch(() => this.cache.delete(key));
      this.cache.set(key, pending);
      while (this.cache.size > kept) this.cache.delete(this.cache.keys().next().value as string);
    }
    return pending;
  }

  /** Per-image hardness under the run's model (cosine to the identity's mean embedding), by image id. */
  async hardness(runId: number, datasetId: number): Promise<Map<number, number>> {
    const embedded = await this.embeddings(runId, datasetId);
    const cosine = cosineToIdentityMean(embedded.embeddings, embedded.labels);
    const byImage = new Map<number, number>();
    for (const [imageId, row] of embedded.rowOf) byImage.set(imageId, cosine[row]!);
    return byImage;
  }
}
