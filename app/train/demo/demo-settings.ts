import type { HeadConfigInput } from '../../losses/heads/head-config.js';
import type { BackboneConfig } from '../backbone-config.js';
import type { Schedule } from '../schedule.js';

// The demo's embedded defaults: one SynthFaces `pose` dataset to train on and a second one, of
// other identities (another seed), to validate on. Validation identities are never trained on,
// as in face recognition practice (train on CASIA, test on LFW / SCface).

export interface DemoDataset {
  identities: number;
  perIdentity: number;
  seed: number;
}

export interface DemoSettings {
  label: 'quick' | 'full';
  preset: 'pose';
  /** Side of the generated images; they are cached at the model's input size. */
  imageSize: number;
  train: DemoDataset;
  validation: DemoDataset;
  backbone: BackboneConfig;
  head: HeadConfigInput;
  stage1: { batchSize: number; steps: number; lr: number; schedule: Schedule };
  /** Both fine-tunes use these, from the same checkpoint and seed; only the objective differs. */
  stage2: { batchSize: number; steps: number; lr: number; schedule: Schedule; histogramEvery: number };
}

export const quickDemo: DemoSettings = {
  label: 'quick',
  preset: 'pose',
  imageSize: 48,
  train: { identities: 160, perIdentity: 8, seed: 1001 },
  validation: { identities: 100, perIdentity: 8, seed: 2002 },
  backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 64 },
  head: { type: 'cosface', s: 30, m: 0.35 },
  stage1: { batchSize: 64, steps: 200, lr: 0.1, schedule: { kind: 'step', warmupSteps: 20, milestones: [140, 180], gamma: 0.1 } },
  stage2: { batchSize: 8, steps: 150, lr: 0.01, schedule: { kind: 'constant', warmupSteps: 0 }, histogramEvery: 10 },
};

export const fullDemo: DemoSettings = {
  label: 'full',
  preset: 'pose',
  imageSize: 64,
  train: { identities: 500, perIdentity: 10, seed: 1001 },
  // 400 identities give 1200 impostor pairs per type: enough for TAR at FAR 1e-2.
  validation: { identities: 400, perIdentity: 10, seed: 2002 },
  backbone: { name: 'ir-lite', inputSize: 48, embeddingSize: 128 },
  head: { type: 'arcface', s: 64, m: 0.5 },
  stage1: { batchSize: 128, steps: 3000, lr: 0.1, schedule: { kind: 'step', warmupSteps: 200, milestones: [2000, 2600], gamma: 0.1 } },
  stage2: { batchSize: 16, steps: 600, lr: 0.01, schedule: { kind: 'step', warmupSteps: 0, milestones: [450], gamma: 0.1 }, histogramEvery: 20 },
};
