import * as tf from '@tensorflow/tfjs';
import { rmSync } from 'node:fs';
import { ensureImageCache } from '../data/ensure-image-cache.js';
import { Random } from '../util/random.js';
import { createHead } from '../losses/heads/create-head.js';
import { createBackbone, loadBackbone } from '../models/index.js';
import { loadPretrained } from '../models/zoo/index.js';
import type { LabDatabase } from '../store/db.js';
import {
  checkpointFolder,
  deleteCheckpointRecord,
  insertCheckpoint,
  listCheckpoints,
} from '../store/runs-checkpoints.js';
import type { RunRecord } from '../store/runs-repository.js';
import { recordSteps, type StepRecord } from '../store/runs-series.js';
import {
  deletableCheckpointFolder,
  readCheckpoint,
  removeStaleCheckpointTemps,
  runDirectory,
  writeCheckpoint,
  type LoadedCheckpoint,
} from './checkpoint-files.js';
import { loadResumeCheckpoint } from './checkpoint-resume.js';
import type { ResolvedRunConfig } from './run-checks.js';
import { claimRunFolder } from './run-folder.js';
import { pretrainedClassifier } from './pretrained-start.js';
import { learningRateAt } from './schedule.js';
import { clipToNorm, globalNorm, SgdMomentum } from './sgd.js';
import { openStage } from './stages/index.js';
import { disposeStepLoss, type StepLoss, type StepModel } from './train-steps.js';

// The training loop of both stages, top to bottom like insightface's train.py: data, model,
// head, optimiser, then the loop with its callbacks (record, histograms, checkpoint). A run that
// has checkpoints continues from its last one: same weights, momentum, head state and data order.

export type StopRequest = 'cancel' | 'suspend';

export interface TrainerCallbacks {
  /** After each step's metrics (and histograms) are in the database. */
  onStep?(record: StepRecord & { totalSteps: number; lr: number; imagesPerSecond: number }): void;
  onCheckpoint?(step: number, path: string): void;
  /** Polled before every step, after the event loop has had a turn (so a stop is seen within one step). */
  stopRequested(): StopRequest | undefined;
  log?(message: string): void;
}

export interface TrainOutcome {
  status: 'completed' | 'cancelled' | 'interrupted' | 'failed';
  step: number;
  error: string | null;
}

export interface TrainContext {
  db: LabDatabase;
  dataDir: string;
  run: RunRecord;
  config: ResolvedRunConfig;
  callbacks: TrainerCallbacks;
}

export async function train({ db, dataDir, run, config, callbacks }: TrainContext): Promise<TrainOutcome> {
  const runDir = runDirectory(dataDir, run.id);
  claimRunFolder(db, dataDir, run.id); // never write into another lab's runs/<id>
  removeStaleCheckpointTemps(runDir);
  const resumeFrom = await loadResumeCheckpoint(db, dataDir, run.id, callbacks.log);
  const startFrom = resumeFrom ?? (config.stage === 2 ? loadParentCheckpoint(db, dataDir, config) : undefined);
  const random = resumeFrom ? Random.restore(resumeFrom.randomState) : new Random(config.seed);

  // Data: stage 1 draws uniform classification batches from every image of the dataset; stage 2
  // draws DDL batches from the split (stages/).
  const inputSize = config.backbone.inputSize ?? 32;
  const cached = await ensureImageCache(db, run.datasetId, inputSize, { dataDir });
  if (cached.rebuiltBecause) callbacks.log?.(`Pixel cache rebuilt: ${cached.rebuiltBecause}.`);
  const stage = openStage(config, { db, dataDir, datasetId: run.datasetId, splitId: run.splitId, inputSize });
  const { sampler } = stage;
  if (resumeFrom) sampler.restore(resumeFrom.samplerState);

  // Model: a fresh backbone, the parent's (stage 2), or our own checkpoint's (resume).
  const pretrained = !startFrom && config.stage === 1 ? config.pretrained : undefined;
  const backbone = startFrom
    ? await loadBackbone(startFrom.backboneDir)
    : pretrained
      ? await loadPretrained(pretrained, { seed: config.backbone.seed ?? config.seed })
      : createBackbone({ ...config.backbone, seed: config.backbone.seed ?? config.seed });
  if (resumeFrom?.dropoutState !== undefined) backbone.restoreDropoutState(resumeFrom.dropoutState);
  const classes = sampler.classes;

  // Head and classifier weights [embeddingSize, classes] (insightface: normal(0, 0.01)).
  const head = createHead(config.head);
  // From a pretrained model: the identities' normalised class-mean embeddings (pretrained-start.ts).
  const pretrainedStart =
    pretrained && config.stage === 1
      ? await pretrainedClassifier(db, dataDir, run.datasetId, backbone, classes, {
          init: config.classifierInit ?? 'class-means',
          seed: config.seed,
          centre: config.centre,
        })
      : undefined;
  const classifier = tf.variable(
    startFrom
      ? tf.tensor2d(startFrom.classifier.values, startFrom.classifier.shape as [number, number])
      : (pretrainedStart ??
          tf.randomNormal([backbone.embeddingSize, classes], 0, 0.01, 'float32', random.int(2 ** 31))),
    true,
    `run${run.id}/classifier`,
  );
  pretrainedStart?.dispose();
  if (classifier.shape[1] !== classes || classifier.shape[0] !== backbone.embeddingSize) {
    throw new Error(
      `the checkpoint's classifier is [${classifier.shape}], but this run needs [${backbone.embeddingSize}, ${classes}] (${classes} identities); was it made on another dataset?`,
    );
  }
  if (resumeFrom) head.restore(resumeFrom.headState);

  // Optimiser: SGD with momentum; weight decay on conv/FC/classifier weights, not on BN.
  const sgd = new SgdMomentum([...backbone.trainableVariables(), { variable: classifier, decay: true }], {
    momentum: config.momentum,
    weightDecay: config.weightDecay,
  });
  if (resumeFrom) sgd.restore(resumeFrom.optimizer);
  const model: StepModel = { backbone, head, classifier };
  const variables = sgd.parameters.map((p) => p.variable);

  let step = resumeFrom?.step ?? 0;
  let trainSeconds = resumeFrom?.trainSeconds ?? 0;
  let imagesPerSecond = 0;
  let stepsThisAttempt = 0;
  let lastCheckpointStep = resumeFrom?.step ?? -1;
  if (resumeFrom) callbacks.log?.(`resuming from checkpoint step ${resumeFrom.step}`);

  const checkpoint = async () => {
    const path = await writeCheckpoint(
      runDir,
      {
        step,
        totalSteps: config.steps,
        classes,
        headState: head.readState ? await head.readState() : head.state(),
        samplerState: sampler.state(),
        randomState: random.save(),
        dropoutState: backbone.dropoutState(),
        trainSeconds,
      },
      {
        classifier: { shape: classifier.shape, values: (await classifier.data()) as Float32Array },
        optimizer: await sgd.state(),
      },
      (dir) => backbone.save(dir),
    );
    insertCheckpoint(db, run.id, step);
    lastCheckpointStep = step;
    pruneCheckpoints(db, dataDir, run.id, config.keepCheckpoints, step, callbacks.log);
    callbacks.onCheckpoint?.(step, path);
  };

  try {
    // The loop.
    while (step < config.steps) {
      // Steps are synchronous tfjs work: without this turn of the event loop, IPC commands, signals
      // and the parent's disconnect would only be seen at the next checkpoint's await.
      await yieldToEventLoop();
      const stop = callbacks.stopRequested();
      if (stop) {
        if (step > 0 && lastCheckpointStep !== step) await checkpoint();
        return {
          status: stop === 'cancel' ? 'cancelled' : 'interrupted',
          step,
          error: stop === 'suspend' ? `suspended at step ${step}; resume to continue` : null,
        };
      }
      const next = step + 1;
      const lr = learningRateAt(config.schedule, config.lr, next, config.steps);
      const started = performance.now();

      const batch = stage.next();
      const { value, grads, loss: stepLoss } = lossAndGradients(() => batch.loss(model), variables);
      // One asynchronous read per step for every scalar (terms, total, gradient norm): the GPU
      // backends cannot read synchronously, and one read is one wait for the device.
      const names = Object.keys(stepLoss.scalars);
      const scalars = tf.tidy(() =>
        tf.stack([...names.map((n) => stepLoss.scalars[n] as tf.Scalar), value, globalNorm(grads)]),
      );
      const values = await scalars.data();
      scalars.dispose();
      const totalLoss = values[names.length] as number;
      const norm = values[names.length + 1] as number;

      // NaN guard: a bad loss or gradient never reaches the weights; the run stops on its last good checkpoint.
      if (!Number.isFinite(totalLoss) || !Number.isFinite(norm)) {
        tf.dispose([value, grads]);
        disposeStepLoss(stepLoss);
        const what = !Number.isFinite(totalLoss) ? `the loss became ${totalLoss}` : `the gradient norm became ${norm}`;
        const kept =
          lastCheckpointStep >= 0 ? `its last good checkpoint is step ${lastCheckpointStep}` : 'it has no checkpoint';
        return {
          status: 'failed',
          step,
          error: `${what} at step ${next} (lr ${lr.toPrecision(3)}); the update was not applied and ${kept}. Lower the learning rate or lengthen the warm-up.`,
        };
      }
      const clipped = clipToNorm(grads, norm, config.clipGradNorm);
      sgd.apply(clipped, lr);
      const histograms = await batch.histograms(
        stepLoss,
        Object.fromEntries(names.map((n, i) => [n, values[i] as number])),
        next,
      );
      tf.dispose([value, grads, clipped]);
      disposeStepLoss(stepLoss);
      step = next;

      // Callbacks: record the step, then checkpoint when due.
      const seconds = (performance.now() - started) / 1000;
      trainSeconds += seconds;
      const images = batch.images;
      // A moving average, restarted at the second step of each attempt (the first one compiles kernels).
      stepsThisAttempt += 1;
      imagesPerSecond = stepsThisAttempt <= 2 ? images / seconds : 0.9 * imagesPerSecond + 0.1 * (images / seconds);
      const metrics: Record<string, number> = Object.fromEntries(names.map((n, i) => [n, values[i] as number]));
      Object.assign(metrics, { lr, imagesPerSecond, time: trainSeconds, gradNorm: norm });
      const record: StepRecord = { step, metrics, histograms };
      recordSteps(db, run.id, [record]);
      callbacks.onStep?.({ ...record, totalSteps: config.steps, lr, imagesPerSecond });
      if (step % config.checkpointEvery === 0 || step === config.steps) await checkpoint();
    }
    return { status: 'completed', step, error: null };
  } finally {
    sampler.close();
    sgd.dispose();
    classifier.dispose();
    head.dispose();
    backbone.dispose();
  }
}

/** One pass of the event loop (microseconds): lets pending messages and signal handlers run. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The loss and its gradients; the loss's kept tensors come back for reading and disposal. */
function lossAndGradients(
  loss: () => StepLoss,
  variables: tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap; loss: StepLoss } {
  const out: { loss?: StepLoss } = {};
  const { value, grads } = tf.variableGrads(() => (out.loss = loss()).total, variables);
  if (!out.loss) throw new Error('tf.variableGrads did not run the loss');
  return { value, grads, loss: out.loss };
}

function loadParentCheckpoint(db: LabDatabase, dataDir: string, config: ResolvedRunConfig): LoadedCheckpoint {
  if (config.stage !== 2) throw new Error('only stage 2 has a parent');
  const all = listCheckpoints(db, config.parentRunId);
  const chosen =
    config.parentCheckpointStep === undefined
      ? all[all.length - 1]
      : all.find((c) => c.step === config.parentCheckpointStep);
  if (!chosen)
    throw new Error(
      `parent run ${config.parentRunId} has no checkpoint${config.parentCheckpointStep === undefined ? '' : ` at step ${config.parentCheckpointStep}`} to fine-tune from (it may have been deleted)`,
    );
  return readCheckpoint(checkpointFolder(dataDir, chosen));
}

/**
 * Keeps the newest `keep` checkpoints (the final one always stays: it is the newest at the end).
 * Only folders inside this run's own folder are deleted; one that is not stays, row and all.
 */
function pruneCheckpoints(
  db: LabDatabase,
  dataDir: string,
  runId: number,
  keep: number,
  newest: number,
  log: ((message: string) => void) | undefined,
): void {
  const old = listCheckpoints(db, runId).filter((c) => c.step !== newest);
  for (const c of old.slice(0, Math.max(0, old.length - (keep - 1)))) {
    let dir: string | undefined;
    try {
      dir = deletableCheckpointFolder(dataDir, c);
    } catch (error) {
      log?.(`${(error as Error).message}; it is kept`);
      continue;
    }
    deleteCheckpointRecord(db, runId, c.step);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
