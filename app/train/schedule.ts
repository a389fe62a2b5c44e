import { z } from 'zod';

// Learning-rate schedules: linear warm-up, then step decay (×gamma at given steps, like the
// reference's ×0.1 after the first epoch), cosine down to a floor, or constant.

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('step'),
    warmupSteps: z.int().min(0).default(0),
    /** Steps after which the lr is multiplied by `gamma`, e.g. [100] = x0.1 from step 101 on. */
    milestones: z
      .array(z.int('a milestone is a step number (a whole number)').min(1, 'a milestone is a step number, at least 1'))
      .default([]),
    gamma: z.number().gt(0).max(1).default(0.1),
  }),
  z.strictObject({
    kind: z.literal('cosine'),
    warmupSteps: z.int().min(0).default(0),
    /** Floor of the cosine, as a fraction of the base lr. */
    minLrFactor: z.number().min(0).max(1).default(0),
  }),
  z.strictObject({ kind: z.literal('constant'), warmupSteps: z.int().min(0).default(0) }),
]);
export type Schedule = z.output<typeof scheduleSchema>;

/** The learning rate used for `step` (1-based) of a run of `totalSteps`. */
export function learningRateAt(schedule: Schedule, baseLr: number, step: number, totalSteps: number): number {
  const warmup = schedule.warmupSteps;
  if (warmup > 0 && step <= warmup) return (baseLr * step) / warmup;
  switch (schedule.kind) {
    case 'constant':
      return baseLr;
    case 'step': {
      const passed = schedule.milestones.filter((m) => step > m).length;
      return baseLr * schedule.gamma ** passed;
    }
    case 'cosine': {
      const span = Math.max(1, totalSteps - warmup);
      const progress = Math.min(1, (step - warmup) / span);
      const floor = baseLr * schedule.minLrFactor;
      return floor + (baseLr - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }
}
