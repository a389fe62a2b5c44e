import { describe, expect, it } from 'vitest';
import { runConfigInputSchema } from '../vocabulary/index.js';
import { tempLabDatabases } from '../store/test-support/temp-lab-database.js';
import { insertCheckpoint } from '../store/runs-checkpoints.js';
import { finishRun, insertRun } from '../store/runs-repository.js';
import { checkRunRequest, splitIdentityCounts } from './run-checks.js';
import { parseRunConfig, RunConfigError } from './run-config.js';
import { insertFakeSplit } from './test-support/fake-dataset.js';

const open = tempLabDatabases('ddl-checks-');

const stage1 = { stage: 1, backbone: { name: 'ir-lite', inputSize: 32 }, batchSize: 16, steps: 10, lr: 0.1 };

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof RunConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a RunConfigError');
}

describe('run config (schema)', () => {
  it('fills in the defaults of the reference protocol', () => {
    const config = parseRunConfig(stage1);
    expect(config).toMatchObject({
      stage: 1,
      momentum: 0.9,
      weightDecay: 5e-4,
      clipGradNorm: 5,
      seed: 1,
      flip: true,
      schedule: { kind: 'constant', warmupSteps: 0 },
    });
    const stage2 = parseRunConfig({ stage: 2, parentRunId: '4', batchSize: 8, steps: 10, lr: 0.001 });
    expect(stage2).toMatchObject({
      stage: 2,
      parentRunId: 4,
      objective: 'ddl',
      ddl: { lambdaPos: 0.1, lambdaNeg: 0.02, lambdaOrder: 0.5, sigma: 0.1 },
    });
  });

  it('refuses bad values with messages a person understands', () => {
    expect(problems(() => parseRunConfig({ ...stage1, lr: 0 }))).toEqual(['learning rate must be positive, got 0']);
    expect(problems(() => parseRunConfig({ ...stage1, batchSize: 1.5, steps: 0 }))).toEqual([
      'batch size must be a whole number, got 1.5',
      'steps must be at least 1, got 0',
    ]);
    expect(
      problems(() => parseRunConfig({ ...stage1, schedule: { kind: 'step', warmupSteps: 10, milestones: [20] } })),
    ).toEqual([
      'schedule: warm-up (10 steps) must be shorter than the run (10 steps)',
      'schedule: milestones 20 are not before the last step (10)',
    ]);
    expect(problems(() => parseRunConfig({ ...stage1, stage: 3 }))).toEqual(['stage must be 1 or 2, got 3']);
    expect(problems(() => parseRunConfig({ ...stage1, backbone: { name: 'resnet' }, extra: 1 }))).toEqual([
      'backbone must be one of ir-lite, ir18, ir34, ir50, mobilefacenet, got "resnet"',
      'unknown field "extra"',
    ]);
    expect(
      problems(() =>
        parseRunConfig({ stage: 2, parentRunId: 1, batchSize: 8, steps: 5, lr: 0.01, ddl: { sigma: -1 } }),
      ),
    ).toEqual(['ddl: sigma must be > 0, got -1']);
  });
});

describe('run request (against the database)', () => {
  it('refuses an input size the backbone does not support', () => {
    const db = open();
    const { datasetId, splitId } = insertFakeSplit(db, { identities: 20, easyPerIdentity: 2, hardIdentities: 20 });
    expect(
      problems(() =>
        checkRunRequest(db, {
          datasetId,
          splitId,
          config: { ...stage1, backbone: { name: 'ir-lite', inputSize: 20 } },
        }),
      ),
    ).toEqual(['input size 20 is not supported by ir-lite (32–64)']);
  });

  it('refuses pretrained weights on another architecture, and takes them on their own', () => {
    const db = open();
    const { datasetId, splitId } = insertFakeSplit(db, { identities: 20, easyPerIdentity: 2, hardIdentities: 20 });
    const config = { ...stage1, pretrained: 'mobilefacenet' };
    expect(problems(() => checkRunRequest(db, { datasetId, splitId, config }))).toEqual([
      'pretrained mobilefacenet needs the backbone "mobilefacenet" (its architecture), got "ir-lite"',
    ]);
    const ok = checkRunRequest(db, {
      datasetId,
      splitId,
      config: { ...config, backbone: { name: 'mobilefacenet', inputSize: 112 } },
    });
    expect(ok.config).toMatchObject({ pretrained: 'mobilefacenet', backbone: { name: 'mobilefacenet' } });
  });

  it('takes centre with pretrained weights only, and never on stage 2', () => {
    const db = open();
    const { datasetId, splitId } = insertFakeSplit(db, { identities: 20, easyPerIdentity: 2, hardIdentities: 20 });
    const backbone = { name: 'mobilefacenet', inputSize: 112 };
    expect(problems(() => checkRunRequest(db, { datasetId, splitId, config: { ...stage1, centre: true } }))).toEqual([
      'centre centres a pretrained model\'s embeddings: give "pretrained" too, or leave centre out',
    ]);
    const ok = checkRunRequest(db, {
      datasetId,
      splitId,
      config: { ...stage1, backbone, pretrained: 'mobilefacenet', centre: true },
    });
    expect(ok.config).toMatchObject({ pretrained: 'mobilefacenet', centre: true });
    expect(problems(() => parseRunConfig({ ...stage1, backbone, pretrained: 'mobilefacenet', centre: 'yes' }))).toEqual(
      ['centre must be true or false, got "yes"'],
    );
    const stage2 = runConfigInputSchema.safeParse({
      datasetId: '1',
      splitId: '1',
      stage: 2,
      parentRunId: '1',
      batchSize: 8,
      steps: 5,
      lr: 0.01,
      centre: true,
    });
    expect(stage2.error?.issues).toEqual([
      expect.objectContaining({
        path: ['centre'],
        message: expect.stringContaining('stage 2 starts from its parent run'),
      }),
    ]);
  });

  it('refuses a DDL batch larger than the identities with hard images', () => {
    const db = open();
    const { datasetId, splitId } = insertFakeSplit(db, { identities: 20, easyPerIdentity: 2, hardIdentities: 3 });
    expect(splitIdentityCounts(db, splitId)).toEqual({
      identities: 20,
      withEasy: 20,
      withTwoEasy: 20,
      withHard: 3,
      withTwoHard: 0,
      withEasyAndHard: 3,
    });
    const parent = insertRun(db, {
      datasetId,
      splitId,
      stage: 1,
      config: parseRunConfig(stage1),
      seed: 1,
      totalSteps: 10,
    });
    finishRun(db, parent.id, 'completed', null, ['queued']);
    insertCheckpoint(db, parent.id, 10);
    const stage2 = { stage: 2, parentRunId: parent.id, batchSize: 16, steps: 10, lr: 0.001 };
    expect(problems(() => checkRunRequest(db, { datasetId, splitId, config: stage2 }))).toEqual([
      'split has 3 identities with hard images; DDL needs at least b = 16',
      'split has 3 identities with both an easy and a hard image (easy-hard pairs); DDL needs at least b = 16',
    ]);
    const ok = checkRunRequest(db, { datasetId, splitId, config: { ...stage2, batchSize: 3 } });
    // Stage 2 inherits the parent's backbone and head, and pins the parent's checkpoint.
    expect(ok.config).toMatchObject({
      stage: 2,
      parentCheckpointStep: 10,
      backbone: { name: 'ir-lite', inputSize: 32, seed: 1 },
      head: { type: 'arcface' },
    });
  });

  it('lists every problem of a stage-2 request at once', () => {
    const db = open();
    const { datasetId, splitId } = insertFakeSplit(db, { identities: 4, easyPerIdentity: 1, hardIdentities: 4 });
    const running = insertRun(db, {
      datasetId,
      splitId,
      stage: 1,
      config: parseRunConfig(stage1),
      seed: 1,
      totalSteps: 10,
    });
    expect(
      problems(() =>
        checkRunRequest(db, {
          datasetId: datasetId + 1,
          splitId: splitId + 5,
          config: { stage: 2, parentRunId: running.id, batchSize: 8, steps: 10, lr: 0.001 },
        }),
      ),
    ).toEqual([
      `dataset ${datasetId + 1} does not exist`,
      `split ${splitId + 5} does not exist`,
      `parent run ${running.id} trained on dataset ${datasetId}; stage 2 must use the same dataset (the classifier has its identities)`,
      `parent run ${running.id} is still queued; wait for it to finish`,
    ]);
  });
});
