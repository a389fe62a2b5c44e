import { shown } from './messages.js';
import { z } from './zod.js';

// Every option of Distribution Distillation Loss, defaulting to the reference implementation's values.

function finite(field: string) {
  return z
    .number({ error: (iss) => `${field} must be a number, got ${shown(iss.input)}` })
    .refine(Number.isFinite, { error: (iss) => `${field} must be finite, got ${shown(iss.input)}` });
}

function weight(field: string, fallback: number) {
  return finite(field)
    .refine((v) => v >= 0, { error: (iss) => `${field} must be >= 0, got ${shown(iss.input)}` })
    .default(fallback);
}

// Similarity bins t_r = min + r * (max - min) / count, r = 0 .. count - 1 (reference: 0, 0.001, ..., 0.999).
const binsSchema = z
  .strictObject({
    min: finite('bins.min').default(0),
    max: finite('bins.max').default(1),
    count: z
      .number({ error: (iss) => `bins.count must be a number, got ${shown(iss.input)}` })
      .int({ error: (iss) => `bins.count must be a whole number, got ${shown(iss.input)}` })
      .min(2, { error: (iss) => `bins.count must be >= 2, got ${shown(iss.input)}` })
      .max(100_000, { error: (iss) => `bins.count must be <= 100000, got ${shown(iss.input)}` })
      .default(1000),
  })
  .refine((bins) => bins.max > bins.min, {
    path: ['max'],
    error: (iss) =>
      `bins.max must be > bins.min, got min ${shown((iss.input as { min: unknown }).min)} and max ${shown((iss.input as { max: unknown }).max)}`,
  });

export const ddlConfigSchema = z.strictObject({
  bins: binsSchema.default({ min: 0, max: 1, count: 1000 }),
  sigma: finite('sigma')
    .refine((v) => v > 0, { error: (iss) => `sigma must be > 0, got ${shown(iss.input)}` })
    .default(0.1),
  lambdaPos: weight('lambdaPos', 0.1),
  lambdaNeg: weight('lambdaNeg', 0.02),
  lambdaOrder: weight('lambdaOrder', 0.5),
  // Positive pairs with cosine <= this are dropped from the positive distribution and its mean.
  positiveThreshold: finite('positiveThreshold')
    .refine((v) => v >= -1 && v < 1, {
      error: (iss) => `positiveThreshold must be in [-1, 1), got ${shown(iss.input)}`,
    })
    .default(0),
  // Which images form the student's positive pairs; read by the sampler, not by the loss.
  studentPairs: z
    .enum(['easy-hard', 'hard-hard'], {
      error: (iss) => `studentPairs must be "easy-hard" or "hard-hard", got ${shown(iss.input)}`,
    })
    .default('easy-hard'),
  // 'flow': gradients reach the teacher's histograms (the reference); 'stop': they are detached.
  teacherGradient: z
    .enum(['flow', 'stop'], { error: (iss) => `teacherGradient must be "flow" or "stop", got ${shown(iss.input)}` })
    .default('flow'),
  // 'reference': hardest negatives as the reference computes them (upper-triangle row max, clipped at 0).
  compat: z
    .enum(['clean', 'reference'], {
      error: (iss) => `compat must be "clean" or "reference", got ${shown(iss.input)}`,
    })
    .default('clean'),
});

/** A full DDL config: every field filled in. */
export type DdlConfig = z.output<typeof ddlConfigSchema>;
/** What a caller may write: any subset of the fields. */
export type DdlConfigInput = z.input<typeof ddlConfigSchema>;
export type BinsConfig = DdlConfig['bins'];
