import { LabApiError } from '../contract/index.js';
import { cosineToIdentityMean } from '../../eval/index.js';
import { embedInWorker, type ImageEmbeddings } from '../../eval/run/index.js';
import type { RunProcessLauncher } from '../../process/process-launcher.js';
import { getDataset } from '../../store/datasets-repo.js';
import type { LabDatabase } from '../../store/db.js';
import { findHardnessEvaluation, imageHardness } from '../../store/evaluations-hardness.js';
import { latestCheckpoint, type CheckpointRecord } from '../../store/runs-checkpoints.js';
import { getRunRecord } from '../../store/runs-repository.js';

// Embeddings of a dataset under a run's checkpoint (app/eval/run's embedDataset), computed in an
// evaluation process (embedInWorker: never in the app's main process) and kept here for the last
// few (run, checkpoint, dataset, flip-test) asked for: the Split page's distributions and
// model-based rule share them.
// An entry is dropped when the dataset's revision moves past the one seen after embedding
// (building a cache bumps it once).

const kept = 2;

interface Entry {
  pending: Promise<ImageEmbeddings>;
  /** Dataset revision once embedded; null while embedding. */
  revision: number | null;
}

export class RunEmbeddings {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly db: () => LabDatabase,
    private readonly dataDir: string,
    /** Starts the evaluation processes that embed (fork by default; utilityProcess in Electron). */
    private readonly launcher?: RunProcessLauncher,
  ) {}

  /** The run's latest checkpoint, or a conflict error saying the run has none yet. */
  checkpointOf(runId: number): CheckpointRecord {
    if (!getRunRecord(this.db(), runId))
      throw new LabApiError('not_found', `No run with id "${runId}". runs.list shows the runs there are.`);
    const checkpoint = latestCheckpoint(this.db(), runId);
    if (!checkpoint)
      throw new LabApiError(
        'conflict',
        `Run ${runId} has no checkpoint yet; wait until it has trained for a while (or finished).`,
      );
    return checkpoint;
  }

  /** Embeddings under the run's latest checkpoint (no flip-test): the Split page's view of a model. */
  async embeddings(
    runId: number,
    datasetId: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ImageEmbeddings> {
    return this.embeddingsAt(runId, this.checkpointOf(runId), datasetId, { onProgress });
  }

  private async embeddingsAt(
    runId: number,
    checkpoint: CheckpointRecord,
    datasetId: number,
    options: { flipTest?: boolean; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<ImageEmbeddings> {
    const dataset = getDataset(this.db(), datasetId);
    if (!dataset) throw new LabApiError('not_found', `No dataset with id "${datasetId}".`);
    const flipTest = options.flipTest ?? false;
    const key = `${runId}:${checkpoint.step}:${datasetId}:${flipTest ? 'flip' : 'plain'}`;
    const found = this.cache.get(key);
    if (found && (found.revision === null || found.revision === dataset.revision)) return found.pending;
    const entry = { revision: null } as Entry;
    entry.pending = embedInWorker({
      dataDir: this.dataDir,
      launcher: this.launcher,
      signal: options.signal,
      onProgress: (phase, done, total) => {
        if (phase === 'embedding' && total !== null) options.onProgress?.(done, total);
      },
      request: { runId, checkpointStep: checkpoint.step, datasetId, flipTest },
    }).then((embedded) => {
      entry.revision = getDataset(this.db(), datasetId)?.revision ?? -1;
      return embedded;
    });
    entry.pending.catch(() => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    });
    this.cache.delete(key);
    this.cache.set(key, entry);
    while (this.cache.size > kept) this.cache.delete(this.cache.keys().next().value as string);
    return entry.pending;
  }

  /**
   * Per-image hardness under the run's latest checkpoint (cosine to the identity's mean embedding),
   * by image id: the values a stored evaluation measured on this dataset revision when there is one,
   * else computed from plain embeddings now.
   */
  async hardness(runId: number, datasetId: number): Promise<Map<number, number>> {
    const checkpoint = this.checkpointOf(runId);
    const dataset = getDataset(this.db(), datasetId);
    if (dataset) {
      const stored = findHardnessEvaluation(this.db(), {
        runId,
        datasetId,
        checkpointStep: checkpoint.step,
        datasetRevision: dataset.revision,
      });
      if (stored !== undefined) return imageHardness(this.db(), stored);
    }
    const embedded = await this.embeddings(runId, datasetId);
    const cosine = cosineToIdentityMean(embedded.embeddings, embedded.labels);
    const byImage = new Map<number, number>();
    for (const [imageId, row] of embedded.rowOf) byImage.set(imageId, cosine[row]!);
    return byImage;
  }
}
