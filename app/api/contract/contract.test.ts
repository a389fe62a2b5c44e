import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  imageMediaPath,
  invalidParams,
  labApiEvents,
  labApiMethods,
  labMethodNames,
  parseImageMediaPath,
  parseThumbnailSize,
  runConfigInputSchema,
  splitDefinitionSchema,
  suggestedRunConfigs,
} from './index.js';

describe('LabApi contract', () => {
  it('is a flat table of <area>.<verb> methods, each with zod params and result', () => {
    expect(labMethodNames.length).toBeGreaterThan(30);
    for (const name of labMethodNames) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      const entry = labApiMethods[name];
      expect(entry.params).toBeInstanceOf(z.ZodType);
      expect(entry.result).toBeInstanceOf(z.ZodType);
    }
    for (const schema of Object.values(labApiEvents)) expect(schema).toBeInstanceOf(z.ZodType);
  });

  it('fills run config defaults and explains bad values by field', () => {
    const config = runConfigInputSchema.parse({ datasetId: '1', splitId: '2', ...suggestedRunConfigs.stage1 });
    expect(config).toMatchObject({
      stage: 1,
      batchSize: 64,
      momentum: 0.9,
      clipGradNorm: 5,
      head: { type: 'arcface', s: 32 },
    });
    const bad = runConfigInputSchema.safeParse({ datasetId: '1', splitId: '2', ...suggestedRunConfigs.stage1, lr: 0 });
    const messages = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(messages).toContain('lr: learning rate must be positive, got 0');
  });

  it('requires a parent run for stage 2, and a backbone and head for stage 1', () => {
    const stage2 = runConfigInputSchema.safeParse({ datasetId: '1', splitId: '2', ...suggestedRunConfigs.stage2 });
    expect(stage2.error?.issues.map((i) => i.path.join('.'))).toEqual(['parentRunId']);
    const stage1 = runConfigInputSchema.safeParse({ datasetId: '1', splitId: '2', batchSize: 8, steps: 10, lr: 0.1 });
    expect(stage1.error?.issues.map((i) => i.path.join('.'))).toEqual(['backbone', 'head']);
    const ddl1 = runConfigInputSchema.safeParse({
      datasetId: '1',
      splitId: '2',
      ...suggestedRunConfigs.stage1,
      objective: 'ddl',
    });
    expect(ddl1.error?.issues[0]?.path).toEqual(['objective']);
  });

  it('accepts nested and/or split rules and refuses empty ones', () => {
    const ok = splitDefinitionSchema.safeParse({
      hard: {
        combine: 'or',
        conditions: [
          { kind: 'attribute', attribute: 'yaw', op: '>=', value: 45, abs: true },
          { combine: 'and', conditions: [{ kind: 'attribute', attribute: 'resolution', op: '<=', value: 0.25 }] },
        ],
      },
    });
    expect(ok.success).toBe(true);
    expect(splitDefinitionSchema.safeParse({ hard: { combine: 'or', conditions: [] } }).success).toBe(false);
    const extended = splitDefinitionSchema.safeParse({
      hard: {
        combine: 'and',
        conditions: [
          { kind: 'not', condition: { kind: 'tag', tag: 'blurry' } },
          { kind: 'attribute', attribute: 'race', op: 'in', value: ['a', 'b'] },
          { kind: 'percentile', runId: '4', below: 10 },
        ],
      },
      manualTags: false,
    });
    expect(extended.success).toBe(true);
    const mismatched = splitDefinitionSchema.safeParse({
      hard: { combine: 'and', conditions: [{ kind: 'attribute', attribute: 'yaw', op: 'in', value: 3 }] },
    });
    expect(mismatched.error?.issues[0]?.path).toEqual(['hard', 'conditions', 0, 'value']);
    expect(
      splitDefinitionSchema.safeParse({ hard: { combine: 'and', conditions: [{ kind: 'percentile', runId: '4' }] } })
        .success,
    ).toBe(false);
  });

  it('names the first bad field in invalid_params errors', () => {
    const parsed = labApiMethods['datasets.images'].params.safeParse({ datasetId: 'a', limit: 5000 });
    expect(parsed.success).toBe(false);
    const error = invalidParams('datasets.images', parsed.error!);
    expect(error.code).toBe('invalid_params');
    expect(error.field).toBe('limit');
    expect(error.message).toMatch(/^datasets\.images: invalid params: limit: /);
  });

  it('builds and parses media paths by id only', () => {
    expect(imageMediaPath('3', '17', 96)).toBe('media/3/17?thumb=96');
    expect(parseImageMediaPath('/media/3/17')).toEqual({ datasetId: '3', imageId: '17' });
    expect(parseImageMediaPath('/media/3/../../etc/passwd')).toBeUndefined();
    expect(parseImageMediaPath('/media/3/%2Fetc%2Fpasswd')).toBeUndefined();
    expect(parseThumbnailSize('96')).toBe(96);
    expect(parseThumbnailSize('97')).toBeNull();
    expect(parseThumbnailSize(null)).toBeUndefined();
  });
});
