import { describe, expect, it } from 'vitest';
import { LabApiError, runConfigInputSchema } from '../../app/api/contract/index.js';
import { fieldErrorsFromLabError, fieldErrorsFromZod } from '../../renderer/src/lib/form-errors.js';
import {
  checkRunForm,
  defaultRunForm,
  fieldApplies,
  runFieldSpecs,
  withStageSuggestions,
} from '../../renderer/src/lib/run-form.js';

describe('run config form', () => {
  it('starts from a valid stage-1 config (the contract’s suggestion and defaults)', () => {
    const { config, errors } = checkRunForm(defaultRunForm('7', '3'));
    expect(errors).toEqual({});
    const parsed = runConfigInputSchema.parse(config);
    expect(parsed).toMatchObject({
      datasetId: '7',
      splitId: '3',
      stage: 1,
      backbone: { name: 'ir-lite' },
      head: { type: 'arcface' },
    });
    expect(config).not.toHaveProperty('ddl');
    expect(config).not.toHaveProperty('objective');
  });

  it('puts typing mistakes and the contract’s own messages next to their fields', () => {
    const form = { ...defaultRunForm('7', '3'), steps: '10', 'schedule.warmupSteps': '20', lr: 'fast', batchSize: '1' };
    const { config, errors } = checkRunForm(form);
    expect(config).toBeUndefined();
    expect(errors.lr).toBe('"fast" is not a number');
    expect(errors.batchSize).toBe('batch size must be at least 2, got 1');
  });

  it('reports the cross-field rule of the contract on its field', () => {
    const { errors } = checkRunForm({ ...defaultRunForm('7', '3'), steps: '10', 'schedule.warmupSteps': '20' });
    expect(errors['schedule.warmupSteps']).toBe('warm-up (20 steps) must be shorter than the run (10 steps)');
  });

  it('asks for the split and, in stage 2, the parent run in words', () => {
    const stage2 = withStageSuggestions(defaultRunForm('7', ''), 2);
    const { errors } = checkRunForm(stage2);
    expect(errors.splitId).toMatch(/choose a split/);
    expect(errors.parentRunId).toMatch(/stage-1 run/);
  });

  it('sends a stage-2 DDL config without the network (inherited) and with the DDL options', () => {
    const form = { ...withStageSuggestions(defaultRunForm('7', '3'), 2), parentRunId: '12' };
    const { config, errors } = checkRunForm(form);
    expect(errors).toEqual({});
    expect(config).toMatchObject({
      stage: 2,
      parentRunId: '12',
      objective: 'ddl',
      lr: 0.001,
      ddl: { lambdaPos: 0.1, bins: { count: 1000 } },
    });
    expect(config).not.toHaveProperty('backbone');
    expect(runConfigInputSchema.safeParse(config).success).toBe(true);
    const classification = checkRunForm({ ...form, objective: 'classification' }).config;
    expect(classification).not.toHaveProperty('ddl');
  });

  it('shows the step-schedule fields only for a step schedule', () => {
    const gamma = runFieldSpecs.find((spec) => spec.path === 'schedule.gamma')!;
    expect(fieldApplies(gamma, { 'schedule.kind': 'step' })).toBe(true);
    expect(fieldApplies(gamma, { 'schedule.kind': 'cosine' })).toBe(false);
    const form = { ...defaultRunForm('7', '3'), 'schedule.kind': 'step', 'schedule.milestones': '100, x' };
    expect(checkRunForm(form).errors['schedule.milestones']).toMatch(/"x" is not a whole number/);
  });
});

describe('zod and service errors -> field messages', () => {
  it('keys zod issues by dotted path, first message wins, prefix stripped', () => {
    const result = runConfigInputSchema.safeParse({
      datasetId: 'x',
      splitId: 'y',
      stage: 1,
      batchSize: 1,
      steps: 0,
      lr: 1,
    });
    expect(result.success).toBe(false);
    const errors = fieldErrorsFromZod(result.error!);
    expect(errors.batchSize).toBe('batch size must be at least 2, got 1');
    expect(errors.steps).toBe('steps must be at least 1, got 0');
    expect(
      fieldErrorsFromZod(
        { issues: [{ code: 'custom', path: ['config', 'lr'], message: 'too big', input: 1 }] },
        'config',
      ),
    ).toEqual({ lr: 'too big' });
  });

  it('places an invalid_params refusal next to its field, anything else in the banner', () => {
    const refusal = new LabApiError(
      'invalid_params',
      'runs.create: invalid params: config.batchSize: split has 3 usable identities; DDL needs b = 16; config.lr: x',
      'config.batchSize',
    );
    expect(fieldErrorsFromLabError(refusal, 'config')).toEqual({
      batchSize: 'split has 3 usable identities; DDL needs b = 16',
    });
    expect(fieldErrorsFromLabError(new LabApiError('conflict', 'run is running'))).toEqual({ '': 'run is running' });
    expect(fieldErrorsFromLabError(new Error('boom'))).toEqual({ '': 'boom' });
  });
});
