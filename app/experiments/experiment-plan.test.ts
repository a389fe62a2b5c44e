import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quickDemo } from '../demo/demo-settings.js';
import { ExperimentSpecError, parseExperimentSpec, variantSettings } from './experiment-plan.js';
import { RunQueue, experimentConcurrency } from './run-queue.js';

// An experiment file: defaults from the base settings, overrides merged field by field, and every
// problem of every variant named before any run starts.

const problems = (input: unknown): string[] => {
  try {
    parseExperimentSpec(input, 'exp.json');
  } catch (error) {
    expect((error as Error).message).toContain('exp.json');
    return (error as ExperimentSpecError).problems;
  }
  throw new Error('expected the experiment to be refused');
};

describe('experiment spec', () => {
  it('fills in the base settings and merges DDL options field by field', () => {
    const { spec, settings } = parseExperimentSpec({
      name: 'weights',
      stage2: { steps: 40 },
      variants: [{ name: 'x10' }, { name: 'stop', stage2: { ddl: { teacherGradient: 'stop' }, lr: 0.02 } }],
      seeds: { first: 101, count: 3 },
    });
    expect(spec.base).toBe('quick');
    expect(spec.seeds).toEqual([101, 102, 103]);
    expect(settings.stage1).toEqual(quickDemo.stage1);
    const stop = variantSettings(settings, spec.variants[1]!).stage2;
    expect(stop).toMatchObject({ steps: 40, lr: 0.02, batchSize: quickDemo.stage2.batchSize });
    expect(stop.ddl).toEqual({ ...quickDemo.stage2.ddl, teacherGradient: 'stop' });
    expect(variantSettings(settings, spec.variants[0]!).stage2.ddl).toEqual(quickDemo.stage2.ddl);
  });

  it('stores the settings its base supplies, so a later change of the base leaves a stored experiment alone', () => {
    const file = { name: 'kept', variants: [{ name: 'base weights' }], seeds: [1] };
    const stored = JSON.parse(JSON.stringify(parseExperimentSpec(file).spec)) as unknown;
    expect(stored).toMatchObject({ stage2: { ddl: quickDemo.stage2.ddl }, stage1: quickDemo.stage1 });
    const before = quickDemo.stage2.ddl;
    quickDemo.stage2.ddl = { lambdaPos: 0.1, lambdaNeg: 0.02 }; // a release that changes the quick base's weights
    try {
      expect(parseExperimentSpec(stored).settings.stage2.ddl).toEqual(before);
      expect(parseExperimentSpec(file).settings.stage2.ddl).toEqual({ lambdaPos: 0.1, lambdaNeg: 0.02 });
      expect(JSON.stringify(parseExperimentSpec(stored).spec)).toBe(JSON.stringify(parseExperimentSpec(stored).spec));
    } finally {
      quickDemo.stage2.ddl = before;
    }
  });

  it('names every bad field, with the variant it belongs to', () => {
    const found = problems({
      name: 'bad',
      variants: [
        { name: 'a', stage2: { ddl: { lambdaPos: -1 } } },
        { name: 'a', stage2: { batchSize: 1 } },
        { name: 'b', stage2: { ddl: { teacherGradient: 'sideways' } } },
      ],
      seeds: [1, 1],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'variants.1.name: two variants are named "a"',
        'seeds: seeds must be distinct, got 1, 1',
        expect.stringMatching(/^variants\.1\.stage2\.batchSize: batchSize \(b\) must be at least 2, got 1/),
      ]),
    );
    // Past the schema, each variant's merged stage-2 config goes through the trainer's own checks.
    const merged = problems({
      name: 'bad',
      variants: [
        { name: 'neg', stage2: { ddl: { lambdaPos: -1 } } },
        { name: 'side', stage2: { ddl: { teacherGradient: 'sideways' } } },
      ],
      seeds: [1],
    });
    expect(merged).toEqual([
      'variants.0 ("neg"): stage2.ddl.lambdaPos: lambdaPos must be >= 0, got -1',
      'variants.1 ("side"): stage2.ddl.teacherGradient: teacherGradient must be "flow" or "stop", got "sideways"',
    ]);
    expect(problems({ name: 'x', variants: [], seeds: [1] })).toEqual([
      'variants: an experiment needs at least one variant',
    ]);
  });

  it('has a tiny base for trying the feature: small data, network and steps, the quick DDL weights', () => {
    const { settings } = parseExperimentSpec({ name: 't', base: 'tiny', variants: [{ name: 'a' }], seeds: [1] });
    expect(settings.label).toBe('tiny');
    expect(settings.train.identities * settings.train.perIdentity).toBeLessThanOrEqual(100);
    expect(settings.stage1.steps).toBeLessThanOrEqual(10);
    expect(settings.stage2).toMatchObject({ steps: 10, batchSize: 4, ddl: quickDemo.stage2.ddl });
    expect(settings.backbone).toMatchObject({ inputSize: settings.imageSize, embeddingSize: 16 });
    expect(problems({ name: 't', base: 'huge', variants: [{ name: 'a' }], seeds: [1] })).toEqual([
      'base: base must be "quick", "full" or "tiny", got "huge"',
    ]);
  });
});

describe('the experiment files in docs/experiments', () => {
  it('are all valid experiments', () => {
    const folder = new URL('../../docs/experiments/', import.meta.url);
    const files = readdirSync(folder).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const { spec } = parseExperimentSpec(JSON.parse(readFileSync(new URL(file, folder), 'utf8')), file);
      expect(spec.variants.length, file).toBeGreaterThan(0);
    }
  });
});

describe('run queue', () => {
  it('never runs more jobs than its limit and runs them all', async () => {
    const queue = new RunQueue(2);
    let running = 0;
    let most = 0;
    const job = async (i: number) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5 + (i % 3)));
      running--;
      return i;
    };
    expect(await Promise.all([0, 1, 2, 3, 4, 5].map((i) => queue.run(() => job(i))))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(queue.running).toBe(0);
    expect(experimentConcurrency('wasm', 2)).toBe(2);
    expect(experimentConcurrency('tensorflow', 16)).toBe(1);
  });
});
