import type { ResolvedRunConfig } from '../run-checks.js';
import type { StageData, TrainingStage } from './stage.js';
import { openStage1 } from './stage1.js';
import { openStage2 } from './stage2.js';

export type { StageBatch, StageData, StageSampler, TrainingStage } from './stage.js';

/** The run's stage: its sampler (opened here), loss and histograms. */
export function openStage(config: ResolvedRunConfig, data: StageData): TrainingStage {
  return config.stage === 1 ? openStage1(config, data) : openStage2(config, data);
}
