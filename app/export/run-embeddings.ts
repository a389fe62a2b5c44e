import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { embedDataset } from '../eval/run/index.js';
import { getDataset } from '../store/datasets-repo.js';
import type { LabDatabase } from '../store/db.js';
import { getImage, identityNames } from '../store/images-repo.js';
import { checkpointFolder, latestCheckpoint, listCheckpoints } from '../store/runs-checkpoints.js';
import { getRunRecord } from '../store/runs-repository.js';
import { csvField } from './csv-field.js';
import { encodeNpyFloat32 } from './npy.js';

// Every image of a dataset embedded by a run's latest checkpoint (L2-normalised, inference mode, as
// evaluations embed them), in the dataset's image order, and its two file forms: CSV
// `path,identity,e0..e(d-1)` and .npy (float32, shape (N, d)) with the row labels beside it.

export interface RunEmbeddings {
  runId: number;
  checkpointStep: number;
  datasetId: number;
  dim: number;
  /** rows × dim, C order. */
  embeddings: Float32Array;
  /** Path of each row's image, relative to the dataset root. */
  paths: string[];
  /** Identity name of each row. */
  identities: string[];
}

export interface RunEmbeddingsRequest {
  db: LabDatabase;
  dataDir: string;
  runId: number;
  datasetId: number;
  /** A checkpoint of the run (default its latest). */
  checkpointStep?: number;
  /** Each image as the sum of its and its mirror's embeddings (as a flip-test evaluation embeds; default false). */
  flipTest?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export async function runEmbeddings(request: RunEmbeddingsRequest): Promise<RunEmbeddings> {
  const { db, dataDir, runId, datasetId } = request;
  if (!getRunRecord(db, runId)) throw new Error(`no run ${runId} in this lab; "ddl-lab runs list" lists the runs.`);
  if (!getDataset(db, datasetId))
    throw new Error(`no dataset ${datasetId} in this lab; "ddl-lab dataset list" lists the datasets.`);
  const checkpoint =
    request.checkpointStep === undefined
      ? latestCheckpoint(db, runId)
      : listCheckpoints(db, runId).find((c) => c.step === request.checkpointStep);
  if (!checkpoint)
    throw new Error(
      request.checkpointStep === undefined
        ? `run ${runId} has no checkpoint yet; embeddings need a saved one.`
        : `run ${runId} has no checkpoint at step ${request.checkpointStep} (retired or never saved); "ddl-lab runs show ${runId}" lists its checkpoints.`,
    );
  const backboneDir = join(checkpointFolder(dataDir, checkpoint), 'backbone');
  if (!existsSync(join(backboneDir, 'model.json')))
    throw new Error(
      `the step-${checkpoint.step} checkpoint of run ${runId} is missing from ${backboneDir} (deleted?).`,
    );
  const result = await embedDataset(db, dataDir, datasetId, backboneDir, {
    flipTest: request.flipTest,
    signal: request.signal,
    onProgress: request.onProgress,
  });
  const names = identityNames(db, datasetId);
  const paths = Array.from(result.imageIds, (id) => getImage(db, id)?.path ?? '');
  const identities = Array.from(result.labels, (idx) => names[idx] ?? String(idx));
  return {
    runId,
    checkpointStep: checkpoint.step,
    datasetId,
    dim: result.dim,
    embeddings: result.embeddings,
    paths,
    identities,
  };
}

/** CSV `path,identity,e0..e(d-1)`, one row per image; values in shortest round-trip float32 text. */
export function embeddingsCsv(e: RunEmbeddings): string {
  return [...embeddingsCsvLines(e)].join('');
}

/** The CSV a line at a time (each ending in a newline): a large set need not be one string. */
export function* embeddingsCsvLines(e: RunEmbeddings): Generator<string> {
  yield `${['path', 'identity', ...Array.from({ length: e.dim }, (_, j) => `e${j}`)].join(',')}\n`;
  for (let row = 0; row < e.paths.length; row++) {
    const values: string[] = [];
    for (let j = 0; j < e.dim; j++) values.push(String(e.embeddings[row * e.dim + j]));
    yield `${csvField(e.paths[row]!)},${csvField(e.identities[row]!)},${values.join(',')}\n`;
  }
}

/** The .npy matrix (N, d) float32. */
export function embeddingsNpy(e: RunEmbeddings): Uint8Array {
  return encodeNpyFloat32(e.embeddings, [e.paths.length, e.dim]);
}

/** The file naming the rows of an .npy export, beside it. */
export const npyRowsFile = (file: string) => `${file}.rows.csv`;

/** The rows of the .npy, as CSV `row,path,identity` (written beside it as FILE.rows.csv). */
export function embeddingRowsCsv(e: RunEmbeddings): string {
  const lines = ['row,path,identity'];
  e.paths.forEach((path, row) => lines.push(`${row},${csvField(path)},${csvField(e.identities[row]!)}`));
  return `${lines.join('\n')}\n`;
}
