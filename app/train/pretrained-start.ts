import * as tf from '@tensorflow/tfjs';
import { embedWithBackbone } from '../eval/run/embed-images.js';
import type { Backbone } from '../models/index.js';
import { loadPretrained, listPretrained, subtractFromEmbeddings } from '../models/zoo/index.js';
import type { LabDatabase } from '../store/db.js';
import { setRunCodeVersion } from '../store/run-annotations.js';
import { insertCheckpoint, latestCheckpoint } from '../store/runs-checkpoints.js';
import { finishRun, insertRun, listRunRecords, type RunRecord } from '../store/runs-repository.js';
import { Random } from '../util/random.js';
import type { ClassifierInit, PretrainedModelName, Stage1Config } from '../vocabulary/index.js';
import { runDirectory, writeCheckpoint } from './checkpoint-files.js';
import { codeVersion } from './code-version.js';
import { parseRunConfig } from './run-config.js';

// Starting from a pretrained model (app/models/zoo) instead of random weights, as the DDL paper
// does. A stage-1 run whose config names `pretrained` starts from the package's weights and a
// classifier for the dataset's identities made here. A *pretrained run* (`pretrainedRun`) is such
// a stage-1 run with no training: one checkpoint at step 0 holding the untouched model, so the
// pretrained model can be evaluated, compared and fine-tuned (stage 2's parent) like any run.
// A centred one (`centre`) holds the model with the dataset's mean raw embedding subtracted.

/**
 * The classifier [embeddingSize, classes] a pretrained start gets: each column the normalised
 * mean of its identity's unit embeddings (inference mode), or normal(0, 0.01) (insightface) for
 * "normal" and for identities without images.
 *
 * With `centre` it first centres the model itself: MobileFaceNet's raw embeddings share a large
 * constant part (two different people score a cosine of ≈ 0.9999, so DDL's similarity
 * distributions have nothing to separate). The mean raw embedding over the dataset's images (the
 * images stage 1 trains on) is subtracted from the bias of the model's last linear layer, an exact
 * weight change (zoo/index.ts), and the class means are taken from the centred embeddings. The
 * same embedding pass gives both.
 */
export async function pretrainedClassifier(
  db: LabDatabase,
  dataDir: string,
  datasetId: number,
  backbone: Backbone,
  classes: number,
  options: { init: ClassifierInit; seed: number; centre?: boolean },
): Promise<tf.Tensor2D> {
  const dim = backbone.embeddingSize;
  const random = new Random(options.seed ^ 0xc1a55);
  const values = new Float32Array(dim * classes);
  for (let i = 0; i < values.length; i++) values[i] = 0.01 * random.normal();
  if (options.init !== 'class-means' && !options.centre) return tf.tensor2d(values, [dim, classes]);

  const embedded = await embedWithBackbone(db, dataDir, datasetId, backbone, { raw: options.centre });
  if (options.centre) {
    const mean = meanRow(embedded.embeddings, dim);
    subtractFromEmbeddings(backbone, mean);
    centreAndNormalise(embedded.embeddings, mean);
  }
  if (options.init === 'class-means') {
    const sums = new Float64Array(dim * classes);
    const counts = new Int32Array(classes);
    embedded.labels.forEach((label, row) => {
      if (label < 0 || label >= classes) return;
      counts[label]! += 1;
      for (let d = 0; d < dim; d++) sums[label * dim + d]! += embedded.embeddings[row * dim + d]!;
    });
    for (let c = 0; c < classes; c++) {
      if (counts[c] === 0) continue;
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += sums[c * dim + d]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < dim; d++) values[d * classes + c] = sums[c * dim + d]! / norm;
    }
  }
  return tf.tensor2d(values, [dim, classes]);
}

/** The mean of the rows of a rows × dim matrix (summed in float64). */
function meanRow(rows: Float32Array, dim: number): Float32Array {
  const count = rows.length / dim;
  const sums = new Float64Array(dim);
  for (let r = 0; r < count; r++) for (let d = 0; d < dim; d++) sums[d]! += rows[r * dim + d]!;
  return Float32Array.from(sums, (sum) => (count > 0 ? sum / count : 0));
}

/** Raw rows → (row − mean), L2-normalised, in place: what the centred model embeds. */
function centreAndNormalise(rows: Float32Array, mean: Float32Array): void {
  const dim = mean.length;
  for (let start = 0; start < rows.length; start += dim) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      rows[start + d] = rows[start + d]! - mean[d]!;
      norm += rows[start + d]! ** 2;
    }
    norm = Math.max(Math.sqrt(norm), 1e-12);
    for (let d = 0; d < dim; d++) rows[start + d] = rows[start + d]! / norm;
  }
}

/**
 * The stage-1 config of a pretrained run (no training: it only records where the weights came
 * from, and whether they were centred: "mobilefacenet (pretrained, centred)").
 */
export function pretrainedRunConfig(
  model: PretrainedModelName,
  classifierInit: ClassifierInit,
  centre = false,
): Stage1Config {
  const info = listPretrained().find((m) => m.name === model)!;
  return parseRunConfig({
    stage: 1,
    name: `${model} (pretrained${centre ? ', centred' : ''})`,
    pretrained: model,
    classifierInit,
    ...(centre ? { centre: true } : {}),
    backbone: { name: model, inputSize: info.inputSize, embeddingSize: info.embeddingSize },
    head: { type: 'arcface' },
    batchSize: 64,
    steps: 1,
    lr: 0.01,
  }) as Stage1Config;
}

/**
 * The pretrained run of `model` on a dataset: an existing one (completed, with its checkpoint),
 * else a new one with a step-0 checkpoint. Embeds the dataset for the class-means classifier.
 * `centre`: the centred start (pretrainedClassifier), a separate run beside the raw one.
 */
export async function pretrainedRun(
  db: LabDatabase,
  dataDir: string,
  request: {
    model: PretrainedModelName;
    datasetId: number;
    classes: number;
    classifierInit?: ClassifierInit;
    centre?: boolean;
  },
): Promise<{ run: RunRecord; created: boolean }> {
  const classifierInit = request.classifierInit ?? 'class-means';
  const centre = request.centre ?? false;
  const existing = findPretrainedRun(db, request);
  if (existing) return { run: existing, created: false };
  const config = pretrainedRunConfig(request.model, classifierInit, centre);
  const backbone = await loadPretrained(request.model);
  try {
    const classifier = await pretrainedClassifier(db, dataDir, request.datasetId, backbone, request.classes, {
      init: classifierInit,
      seed: config.seed,
      centre,
    });
    const run = insertRun(db, {
      name: config.name,
      datasetId: request.datasetId,
      splitId: 0,
      stage: 1,
      config,
      seed: config.seed,
      totalSteps: 0,
    });
    try {
      // Like every run the manager creates: which code made it (the Runs page shows it).
      setRunCodeVersion(db, run.id, codeVersion());
      await writeCheckpoint(
        runDirectory(dataDir, run.id),
        {
          step: 0,
          totalSteps: 0,
          classes: request.classes,
          headState: {},
          samplerState: null,
          randomState: new Random(config.seed).save(),
          dropoutState: backbone.dropoutState(),
          trainSeconds: 0,
        },
        {
          classifier: { shape: classifier.shape, values: classifier.dataSync() as Float32Array },
          optimizer: { names: [], shapes: [], values: [] },
        },
        (dir) => backbone.save(dir),
      );
      insertCheckpoint(db, run.id, 0);
    } catch (error) {
      // Not left `queued` (it would wait for a start that never comes): failed, saying why.
      finishRun(db, run.id, 'failed', `the pretrained run could not be saved: ${(error as Error).message}`, ['queued']);
      throw error;
    } finally {
      classifier.dispose();
    }
    finishRun(db, run.id, 'completed');
    return { run: { ...run, status: 'completed' }, created: true };
  } finally {
    backbone.dispose();
  }
}

/** The pretrained run pretrainedRun would give without making one (completed, step-0 checkpoint), if there is one. */
export function findPretrainedRun(
  db: LabDatabase,
  request: { model: PretrainedModelName; datasetId: number; classifierInit?: ClassifierInit; centre?: boolean },
): RunRecord | undefined {
  const classifierInit = request.classifierInit ?? 'class-means';
  const centre = request.centre ?? false;
  return listRunRecords(db, { datasetId: request.datasetId, stage: 1, status: ['completed'] }).find(
    (run) => isPretrainedRun(run, request.model, classifierInit, centre) && latestCheckpoint(db, run.id)?.step === 0,
  );
}

/**
 * Whether a run is the untrained pretrained run of `model` (any model when none is given), with
 * that classifier start and centring (either when not given).
 */
export function isPretrainedRun(
  run: RunRecord,
  model?: string,
  classifierInit?: ClassifierInit,
  centre?: boolean,
): boolean {
  if (run.stage !== 1 || run.totalSteps !== 0) return false;
  const config = run.config as { pretrained?: string; classifierInit?: string; centre?: boolean } | null;
  if (!config?.pretrained || (model !== undefined && config.pretrained !== model)) return false;
  if (centre !== undefined && (config.centre ?? false) !== centre) return false;
  return classifierInit === undefined || (config.classifierInit ?? 'class-means') === classifierInit;
}
