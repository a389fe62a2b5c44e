import { describe, expect, it } from 'vitest';
import { demoWork, formatDuration, remainingDemoSeconds } from './demo-eta.js';
import { fullDemo, quickDemo } from './demo-settings.js';

describe('remainingDemoSeconds', () => {
  it('is unknown before a rate is measured', () => {
    expect(remainingDemoSeconds(fullDemo, 1, { seed: 1, steps: {} }, undefined)).toBeUndefined();
    expect(remainingDemoSeconds(fullDemo, 1, { seed: 1, steps: {} }, 0)).toBeUndefined();
  });

  it('counts the whole demo at the start, less as steps are done, nothing at the end', () => {
    const work = demoWork(fullDemo);
    const total = work.stage1 + work.stage2 + work.evaluation;
    const { stage1, stage2 } = fullDemo;
    expect(work.stage1).toBe(stage1.steps * stage1.batchSize);
    expect(work.stage2).toBe(2 * stage2.steps * 6 * stage2.batchSize);
    expect(remainingDemoSeconds(fullDemo, 1, { seed: 1, steps: {} }, 100)).toBeCloseTo(total / 100);
    const halfStage1 = remainingDemoSeconds(fullDemo, 1, { seed: 1, steps: { stage1: stage1.steps / 2 } }, 100)!;
    expect(halfStage1).toBeCloseTo((total - (stage1.steps / 2) * stage1.batchSize) / 100);
    const inStage2 = remainingDemoSeconds(
      fullDemo,
      1,
      { seed: 1, steps: { stage1: stage1.steps, ddl: 300, classification: 200 } },
      100,
    )!;
    expect(inStage2).toBeCloseTo((total - stage1.steps * stage1.batchSize - 500 * 6 * stage2.batchSize) / 100);
    const done = remainingDemoSeconds(
      fullDemo,
      1,
      { seed: 1, steps: { stage1: stage1.steps, ddl: stage2.steps, classification: stage2.steps } },
      100,
    )!;
    expect(done).toBeCloseTo(work.evaluation / 100);
  });

  it('adds the seeds still to come', () => {
    const work = demoWork(quickDemo);
    const perSeed = work.stage1 + work.stage2 + work.evaluation;
    expect(remainingDemoSeconds(quickDemo, 3, { seed: 2, steps: {} }, 50)).toBeCloseTo((2 * perSeed) / 50);
  });
});

describe('formatDuration', () => {
  it('says seconds, minutes or hours', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(12 * 60 + 20)).toBe('12 min');
    expect(formatDuration(65 * 60)).toBe('1 h 05 min');
  });
});
