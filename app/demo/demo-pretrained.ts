import { listPretrained } from '../models/zoo/index.js';
import type { LabDatabase } from '../store/db.js';
import type { RunRecord } from '../store/runs-repository.js';
import { pretrainedRun } from '../train/pretrained-start.js';
import type { PretrainedModelName } from '../vocabulary/index.js';
import type { DemoData } from './demo-data.js';
import type { DemoSettings } from './demo-settings.js';

// The demo with the paper's protocol (`demo --pretrained NAME`): no stage-1 training; the stage-1
// arm is the untouched pretrained model (its pretrained run: a step-0 checkpoint whose classifier
// holds the training identities' normalised class means), and both fine-tunes start from it.
// Images are generated and cached at the model's input size (112 px for MobileFaceNet).
//
// MobileFaceNet trains at about 9 images/s per core on wasm (README, bench:engine), and a stage-2
// step pushes 6b images through it, so the quick settings are small on purpose: b = 4 (24 images a
// step), 25 steps per fine-tune (~1 min each, side by side on 2 cores), 60 training and 40
// validation identities; the whole quick demo takes a few minutes, most of it embedding. The full
// settings are the meaningful ones: b = 8, 300 steps with a step decay, 200 + 200 identities
// (hours on CPU, minutes on a GPU backend).

/**
 * Settings of the pretrained demo, quick or full, for a zoo model. Centred by default (`centre`
 * false: the raw model): the raw MobileFaceNet scores different people at a cosine of ≈ 0.9999, so
 * DDL's KL terms are ~1e-7 and fine-tuning from it changes nothing (pretrained-start.ts).
 */
export function pretrainedDemoSettings(model: PretrainedModelName, quick: boolean, centre = true): DemoSettings {
  const info = listPretrained().find((m) => m.name === model);
  if (!info) throw new Error(`no pretrained model "${model}" in the zoo`);
  const backbone = { name: model, inputSize: info.inputSize, embeddingSize: info.embeddingSize };
  // Stage 1 is the pretrained run (no steps); these fields only describe it.
  const stage1 = { batchSize: 64, steps: 0, lr: 0, schedule: { kind: 'constant', warmupSteps: 0 } } as const;
  return quick
    ? {
        label: 'quick',
        preset: 'pose',
        imageSize: info.inputSize,
        pretrained: model,
        centre,
        train: { identities: 60, perIdentity: 6, seed: 1001 },
        validation: { identities: 40, perIdentity: 6, seed: 2002 },
        backbone,
        head: { type: 'arcface', s: 64, m: 0.5 },
        stage1,
        // Fine-tuning a trained network with no BatchNorm left (folded): lr 1e-5. At 1e-3 five
        // steps pushed every embedding into one direction (norm 8 → 540, impostor cosine 0.9998),
        // at 1e-4 most of the way (0.90); at 1e-5 the centred start's spread survives. DDL's KL
        // weights ×10 (b is small and there is one process, not the reference's GPUs).
        stage2: {
          batchSize: 4,
          steps: 25,
          lr: 1e-5,
          schedule: { kind: 'constant', warmupSteps: 0 },
          histogramEvery: 5,
          ddl: { lambdaPos: 1, lambdaNeg: 0.2 },
        },
      }
    : {
        label: 'full',
        preset: 'pose',
        imageSize: info.inputSize,
        pretrained: model,
        centre,
        train: { identities: 200, perIdentity: 10, seed: 1001 },
        validation: { identities: 200, perIdentity: 10, seed: 2002 },
        backbone,
        head: { type: 'arcface', s: 64, m: 0.5 },
        stage1,
        stage2: {
          batchSize: 8,
          steps: 300,
          lr: 1e-5,
          schedule: { kind: 'step', warmupSteps: 0, milestones: [225], gamma: 0.1 },
          histogramEvery: 20,
        },
      };
}

/** The demo's stage-1 arm for a pretrained model: its pretrained run on the training set (made once, then reused). */
export async function pretrainedStage1(
  db: LabDatabase,
  dataDir: string,
  model: PretrainedModelName,
  train: DemoData,
  centre = false,
): Promise<RunRecord> {
  const { run } = await pretrainedRun(db, dataDir, {
    model,
    datasetId: train.datasetId,
    classes: train.identities,
    centre,
  });
  return run;
}
