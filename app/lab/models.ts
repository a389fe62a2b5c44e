import * as tf from '@tensorflow/tfjs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { decodeImage, defaultMaxPixels } from '../data/decode-image.js';
import { readImageFile } from '../data/read-image-file.js';
import { initBackend } from '../engine/backend.js';
import { embedDataset } from '../eval/run/embed-images.js';
import { runEvaluationWorker } from '../eval/run/index.js';
import type { RunProcessLauncher } from '../process/process-launcher.js';
import { isPretrainedName, listPretrained, loadPretrained } from '../models/zoo/index.js';
import { getDataset } from '../store/datasets-repo.js';
import { iterateImages } from '../store/images-repo.js';
import { getPairList } from '../store/pairs-repo.js';
import { checkpointFolder, latestCheckpoint } from '../store/runs-checkpoints.js';
import { getRunRecord, type RunRecord } from '../store/runs-repository.js';
import { findPretrainedRun, pretrainedRun } from '../train/pretrained-start.js';
import type { ClassifierInit, PretrainedModelName } from '../vocabulary/index.js';
import { evaluateRun, type EvaluateRunResult, type EvaluationRequest } from './evaluations.js';
import { LabOperationError, type Lab } from './lab.js';

// The model zoo's operations (app/models/zoo): list the pretrained models, embed images with one,
// and represent one on a dataset as a *pretrained run* (app/train/pretrained-start.ts) so it is
// evaluated, compared and fine-tuned like any run.

export interface ModelSummary {
  name: string;
  source: string;
  inputSize: number;
  embeddingSize: number;
  parameters: number;
  trainable: boolean;
}

/** Each model's name for menus ("MobileFaceNet (pretrained)"), by model name. */
export function modelLabels(): Record<string, string> {
  return Object.fromEntries(listPretrained().map((m) => [m.name, m.label]));
}

export function listModels(): ModelSummary[] {
  return listPretrained().map(({ name, source, inputSize, embeddingSize, parameters, trainable }) => ({
    name,
    source,
    inputSize,
    embeddingSize,
    parameters,
    trainable,
  }));
}

function modelName(name: string): PretrainedModelName {
  if (!isPretrainedName(name))
    throw new LabOperationError(
      `there is no model "${name}"; the models are ${listPretrained()
        .map((m) => m.name)
        .join(', ')} ("ddl-lab models list").`,
      'not_found',
    );
  return name;
}

export interface ImageEmbedding {
  path: string;
  /** L2-normalised. */
  embedding: number[];
}

const imageExtensions = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp']);

/**
 * Embeds the images of a folder (aligned faces; each is resized to the model's input size, whole,
 * with no crop) with a pretrained model, in file-name order.
 */
export async function embedImageFolder(
  name: string,
  dir: string,
  options: { batchSize?: number } = {},
): Promise<ImageEmbedding[]> {
  const model = modelName(name);
  let files: string[];
  try {
    files = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && imageExtensions.has(extname(e.name).toLowerCase()))
      .map((e) => join(dir, e.name))
      .sort();
  } catch (error) {
    throw new LabOperationError(
      `${dir}: cannot read the folder (${(error as NodeJS.ErrnoException).code})`,
      'not_found',
    );
  }
  if (files.length === 0)
    throw new LabOperationError(`${dir} holds no images (${[...imageExtensions].join(', ')})`, 'not_found');
  await initBackend();
  const backbone = await loadPretrained(model);
  const size = backbone.inputSize;
  const batchSize = options.batchSize ?? 32;
  const out: ImageEmbedding[] = [];
  try {
    for (let start = 0; start < files.length; start += batchSize) {
      const batch = files.slice(start, start + batchSize);
      const pixels = new Float32Array(batch.length * size * size * 3);
      for (const [i, file] of batch.entries()) {
        let rgb: Buffer;
        try {
          rgb = (
            await decodeImage((await readImageFile(file)).bytes, { size, maxPixels: defaultMaxPixels, fit: 'fill' })
          ).rgb;
        } catch (error) {
          throw new LabOperationError(`${file}: ${(error as Error).message}`, 'conflict');
        }
        // The lab's image range [−1, 1], as the image caches hold it.
        for (let k = 0; k < rgb.length; k++) pixels[i * rgb.length + k] = rgb[k]! / 127.5 - 1;
      }
      const rows = tf.tidy(() => {
        const raw = backbone.embed(tf.tensor4d(pixels, [batch.length, size, size, 3]), false);
        return tf.div(raw, tf.maximum(tf.norm(raw, 'euclidean', 1, true), 1e-12)).arraySync() as number[][];
      });
      rows.forEach((embedding, i) => out.push({ path: batch[i]!, embedding }));
    }
  } finally {
    backbone.dispose();
  }
  return out;
}

type PretrainedRunRequest = { model: string; datasetId: number; classifierInit?: ClassifierInit; centre?: boolean };

/** pretrainedRun's request for a ready dataset, or the reason there is none. */
function checkedPretrainedRequest(lab: Lab, request: PretrainedRunRequest) {
  const model = modelName(request.model);
  const dataset = getDataset(lab.db, request.datasetId);
  if (!dataset)
    throw new LabOperationError(
      `there is no dataset ${request.datasetId}; "ddl-lab dataset list" shows the datasets there are.`,
      'not_found',
    );
  if (dataset.status !== 'ready')
    throw new LabOperationError(`dataset ${dataset.id} is ${dataset.status}; use a ready dataset.`, 'conflict');
  return {
    model,
    datasetId: dataset.id,
    classes: dataset.identityCount,
    ...(request.classifierInit ? { classifierInit: request.classifierInit } : {}),
    ...(request.centre !== undefined ? { centre: request.centre } : {}),
  };
}

/** The pretrained run of a model on a dataset, made (and its class-mean classifier computed) once. */
export async function pretrainedModelRun(
  lab: Lab,
  request: PretrainedRunRequest,
): Promise<{ run: RunRecord; created: boolean }> {
  const checked = checkedPretrainedRequest(lab, request);
  await initBackend();
  return pretrainedRun(lab.db, lab.dataDir, checked);
}

/**
 * pretrainedModelRun for the app: one found is returned at once; a new one is made in the
 * evaluation process (app/eval/run's eval-worker, through `launcher`), because loading the model
 * and embedding the dataset would hold the app's main process for minutes.
 */
export async function pretrainedModelRunInWorker(
  lab: Lab,
  request: PretrainedRunRequest,
  options: { launcher?: RunProcessLauncher; signal?: AbortSignal } = {},
): Promise<{ run: RunRecord; created: boolean }> {
  const checked = checkedPretrainedRequest(lab, request);
  const found = findPretrainedRun(lab.db, checked);
  if (found) return { run: found, created: false };
  // A second call while the first is making the run (a double click) waits for that one.
  const key = `${lab.dataDir}\n${JSON.stringify(checked)}`;
  const pending = makingPretrained.get(key);
  if (pending) return { run: (await pending).run, created: false };
  const making = runEvaluationWorker(
    {
      dataDir: lab.dataDir,
      ...options,
      args: ['--pretrained', JSON.stringify(checked)],
      produces: 'made the pretrained run',
    },
    (message) => (message.type === 'pretrained.done' ? message : undefined),
  ).then((done) => {
    const run = getRunRecord(lab.db, done.runId);
    if (!run)
      throw new Error(`the evaluation process made pretrained run ${done.runId}, but it is not in the database`);
    return { run, created: done.created };
  });
  makingPretrained.set(key, making);
  try {
    return await making;
  } finally {
    makingPretrained.delete(key);
  }
}

const makingPretrained = new Map<string, Promise<{ run: RunRecord; created: boolean }>>();

/** Embeds a dataset's images with a model through its pretrained run (kept for reuse). */
export async function embedDatasetWithModel(
  lab: Lab,
  request: { model: string; datasetId: number },
): Promise<{ run: RunRecord; images: ImageEmbedding[] }> {
  const { run } = await pretrainedModelRun(lab, request);
  const checkpoint = latestCheckpoint(lab.db, run.id)!;
  const embedded = await embedDataset(
    lab.db,
    lab.dataDir,
    request.datasetId,
    join(checkpointFolder(lab.dataDir, checkpoint), 'backbone'),
  );
  const paths = new Map<number, string>();
  for (const image of iterateImages(lab.db, request.datasetId)) paths.set(image.id, image.path);
  const images = Array.from(embedded.imageIds, (id, row) => ({
    path: paths.get(id) ?? String(id),
    embedding: Array.from(embedded.embeddings.subarray(row * embedded.dim, (row + 1) * embedded.dim)),
  }));
  return { run, images };
}

/** The dataset a pair list belongs to (not_found when there is no such list). */
export function pairListDatasetId(lab: Lab, pairListId: number): number {
  const pairList = getPairList(lab.db, pairListId);
  if (!pairList)
    throw new LabOperationError(
      `there is no pair list ${pairListId}; "ddl-lab dataset show DATASET" lists a dataset's pair lists.`,
      'not_found',
    );
  return pairList.datasetId;
}

/** Evaluates a pretrained model on a pair list (through its pretrained run on the list's dataset): the report `eval` gives. */
export async function evaluateModel(
  lab: Lab,
  request: Omit<EvaluationRequest, 'runId' | 'checkpointStep'> & { model: string },
): Promise<EvaluateRunResult & { run: RunRecord }> {
  const { model, ...rest } = request;
  const { run } = await pretrainedModelRun(lab, { model, datasetId: pairListDatasetId(lab, request.pairListId) });
  return { ...(await evaluateRun(lab, { ...rest, runId: run.id })), run };
}
