import { quickDemo, type DemoSettings } from '../demo/demo-settings.js';

// The `tiny` experiment base: the quick settings shrunk until a run takes seconds (16 training and
// 12 validation identities of 32 px, an ir-lite of widths 8-16, 10 steps per stage). It is for
// trying the feature (the Experiments page, a smoke test), not for measuring DDL: with this few
// identities and steps the paired differences are noise.
export const tinyExperimentBase: DemoSettings = {
  ...quickDemo,
  label: 'tiny',
  imageSize: 32,
  train: { identities: 16, perIdentity: 5, seed: 1001 },
  validation: { identities: 12, perIdentity: 5, seed: 2002 },
  backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 16, widths: [8, 8, 16, 16], depths: [1, 1, 1, 1] },
  stage1: { batchSize: 16, steps: 10, lr: 0.05, schedule: { kind: 'constant', warmupSteps: 0 } },
  stage2: { ...quickDemo.stage2, batchSize: 4, steps: 10, histogramEvery: 5 },
};
