import type { Schedule } from '../vocabulary/index.js';

// Learning-rate schedules (their config is the lab's vocabulary): linear warm-up, then step decay
// (×gamma at given steps, like the reference's ×0.1 after the first epoch), cosine down to a
// floor, or constant.
export { scheduleSchema, type Schedule } from '../vocabulary/index.js';

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
