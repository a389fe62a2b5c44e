import { createDdlSampler, type DdlBatch } from '../../data/ddl-sampler.js';
import type { HistogramRecord } from '../../store/runs-series.js';
import { histogramRecord } from '../histogram-records.js';
import type { Stage2Config } from '../../vocabulary/index.js';
import { stage2Loss, type StepLoss } from '../train-steps.js';
import type { StageData, TrainingStage } from './stage.js';

// Stage 2: DDL batches from the split (the seed is the run's, so the DDL and classification-only
// fine-tunes of one parent see exactly the same batches), the DDL or classification-only loss,
// and the four teacher/student histograms every `histogramEvery` steps and at the last step.

export function openStage2(
  config: Pick<Stage2Config, 'batchSize' | 'seed' | 'flip' | 'ddl' | 'objective' | 'histogramEvery' | 'steps'>,
  data: StageData,
): TrainingStage {
  const sampler = createDdlSampler({
    db: data.db,
    dataDir: data.dataDir,
    datasetId: data.datasetId,
    splitId: data.splitId,
    inputSize: data.inputSize,
    batch: config.batchSize,
    studentPairs: config.ddl.studentPairs,
    seed: config.seed,
    flip: config.flip,
  });
  return {
    sampler,
    next: () => {
      const batch = sampler.next();
      return {
        images: countDdlImages(batch),
        loss: (model) => stage2Loss(model, batch, config.ddl, config.objective),
        histograms: (loss, scalars, step) =>
          step % config.histogramEvery === 0 || step === config.steps
            ? readHistograms(loss, config.ddl.bins, scalars, batch)
            : undefined,
      };
    },
  };
}

function countDdlImages(batch: DdlBatch): number {
  return (
    batch.easySingles.count +
    batch.hardSingles.count +
    batch.easyPairs.reduce((s, p) => s + p.count, 0) +
    batch.hardPairs.reduce((s, p) => s + p.count, 0)
  );
}

async function readHistograms(
  loss: StepLoss,
  range: { min: number; max: number },
  scalars: Record<string, number>,
  batch: DdlBatch,
): Promise<HistogramRecord[]> {
  const h = loss.histograms;
  if (!h) return [];
  // Read asynchronously, all four at once (GPU backends cannot read synchronously).
  const [teacherPos, teacherNeg, studentPos, studentNeg] = await Promise.all(
    [h.teacherPos, h.teacherNeg, h.studentPos, h.studentNeg].map((t) => t.data()),
  );
  return [
    histogramRecord('teacherPositive', teacherPos!, range, scalars.teacherPosMean ?? NaN, scalars.teacherPosKept ?? 0),
    histogramRecord('teacherNegative', teacherNeg!, range, scalars.teacherNegMean ?? NaN, batch.easySingles.count),
    histogramRecord('studentPositive', studentPos!, range, scalars.studentPosMean ?? NaN, scalars.studentPosKept ?? 0),
    histogramRecord('studentNegative', studentNeg!, range, scalars.studentNegMean ?? NaN, batch.hardSingles.count),
  ];
}
