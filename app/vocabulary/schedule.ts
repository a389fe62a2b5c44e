import { z } from './zod.js';

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
