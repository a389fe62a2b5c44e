import { describe, expect, it } from 'vitest';
import { learningRateAt, scheduleSchema } from './schedule.js';

describe('learning-rate schedules', () => {
  it('warms up linearly, then steps down by gamma after each milestone', () => {
    const schedule = scheduleSchema.parse({ kind: 'step', warmupSteps: 4, milestones: [6, 8], gamma: 0.1 });
    const lrs = Array.from({ length: 10 }, (_, i) => learningRateAt(schedule, 1, i + 1, 10));
    expect(lrs.map((x) => Number(x.toFixed(6)))).toEqual([0.25, 0.5, 0.75, 1, 1, 1, 0.1, 0.1, 0.01, 0.01]);
  });

  it('follows a half cosine from the base lr to its floor after warm-up', () => {
    const schedule = scheduleSchema.parse({ kind: 'cosine', warmupSteps: 2, minLrFactor: 0.1 });
    expect(learningRateAt(schedule, 1, 1, 12)).toBeCloseTo(0.5);
    expect(learningRateAt(schedule, 1, 2, 12)).toBeCloseTo(1);
    expect(learningRateAt(schedule, 1, 7, 12)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.5)));
    expect(learningRateAt(schedule, 1, 12, 12)).toBeCloseTo(0.1);
  });
});
