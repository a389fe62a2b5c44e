import { createClassificationSampler } from '../../data/classification-sampler.js';
import type { Stage1Config } from '../../vocabulary/index.js';
import { stage1Loss } from '../train-steps.js';
import type { StageData, TrainingStage } from './stage.js';

// Stage 1: uniform classification batches from every image of the dataset, the margin head's
// cross-entropy, no histograms.

export function openStage1(config: Pick<Stage1Config, 'batchSize' | 'seed' | 'flip'>, data: StageData): TrainingStage {
  const sampler = createClassificationSampler({
    db: data.db,
    dataDir: data.dataDir,
    datasetId: data.datasetId,
    inputSize: data.inputSize,
    batchSize: config.batchSize,
    seed: config.seed,
    flip: config.flip,
  });
  return {
    sampler,
    next: () => {
      const batch = sampler.next();
      return {
        images: config.batchSize,
        loss: (model) => stage1Loss(model, batch),
        histograms: () => undefined,
      };
    },
  };
}
