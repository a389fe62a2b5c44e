import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../train/run-config.js';
import { runConfigSchema, suggestedRunConfigs } from './runs.js';

// The contract's run config mirrors app/train's field for field: what the Train form sends is a
// run config file. The service passes it on without datasetId/splitId/name; app/train must agree.

function forTrainer(config: Record<string, unknown>) {
  const { datasetId: _d, splitId: _s, name: _n, ...rest } = config;
  return rest;
}

const samples: Array<Record<string, unknown>> = [
  { datasetId: '1', splitId: '1', ...suggestedRunConfigs.stage1 },
  { datasetId: '1', splitId: '1', ...suggestedRunConfigs.stage2, parentRunId: '3' },
  {
    datasetId: '1',
    splitId: '1',
    ...suggestedRunConfigs.stage2,
    parentRunId: '3',
    objective: 'classification',
    head: { type: 'cosface', m: 0.35 },
  },
  {
    datasetId: '1',
    splitId: '1',
    ...suggestedRunConfigs.stage2,
    parentRunId: '3',
    ddl: { lambdaPos: 0.2, bins: { count: 200 }, compat: 'reference', studentPairs: 'hard-hard' },
  },
  {
    datasetId: '1',
    splitId: '1',
    stage: 1,
    backbone: { name: 'ir-lite', inputSize: 48, widths: [16, 32], depths: [1, 1], dropout: 0.1 },
    head: { type: 'curricularface' },
    batchSize: 32,
    steps: 50,
    lr: 0.05,
    schedule: { kind: 'step', milestones: [25] },
  },
];

describe('run config parity with app/train', () => {
  it('every contract-valid sample is valid for the trainer, with the same values', () => {
    for (const sample of samples) {
      const contract = runConfigSchema.parse(sample);
      const trainer = parseRunConfig(forTrainer(contract)) as Record<string, unknown>;
      for (const key of [
        'stage',
        'batchSize',
        'steps',
        'lr',
        'momentum',
        'weightDecay',
        'clipGradNorm',
        'seed',
        'flip',
        'histogramEvery',
        'checkpointEvery',
        'keepCheckpoints',
      ]) {
        expect(trainer[key], `${key} of ${JSON.stringify(sample)}`).toEqual(
          (contract as Record<string, unknown>)[key] ?? trainer[key],
        );
      }
      expect(trainer.schedule).toEqual(contract.schedule);
    }
  });

  it('both refuse the same broken configs', () => {
    const broken: Array<Record<string, unknown>> = [
      { ...samples[0], lr: 0 },
      { ...samples[0], batchSize: 1 },
      { ...samples[0], backbone: { name: 'resnet9000' } },
      { ...samples[0], head: { type: 'arcface', m: 2 } },
      { ...samples[0], schedule: { kind: 'constant', warmupSteps: 400 } },
      { ...samples[1], ddl: { sigma: 0 } },
      { ...samples[0], surprise: true },
    ];
    for (const config of broken) {
      expect(runConfigSchema.safeParse(config).success, JSON.stringify(config)).toBe(false);
      expect(() => parseRunConfig(forTrainer(config)), JSON.stringify(config)).toThrow();
    }
  });
});
