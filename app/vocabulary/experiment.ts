import { backboneConfigSchema } from './backbone.js';
import { headConfigSchema } from './heads.js';
import { shown, wholeNumber } from './messages.js';
import { scheduleSchema } from './schedule.js';
import { executorNameSchema } from './slurm-settings.js';
import { z } from './zod.js';

// An experiment: variants × seeds of paired stage-2 comparisons. Every variant overrides the
// stage-2 settings (DDL options, teacher gradient, student pairs, b, lr, steps, bins, σ...) of a
// base (the demo's `quick` or `full` settings, on its SynthFaces datasets); for every seed both
// arms, DDL and classification only, fine-tune the same parent (that seed's stage 1, or a given
// run) on the same batches for the same steps, and are evaluated on held-out identities.

const learningRate = z
  .number({ error: (iss) => `lr must be a number, got ${shown(iss.input)}` })
  .gt(0, { error: (iss) => `lr must be positive, got ${shown(iss.input)}` })
  .max(10, { error: (iss) => `lr must be at most 10, got ${shown(iss.input)}` });

const seedSchema = wholeNumber('seed', 0).max(2 ** 31 - 1);

/** Stage-2 fields a variant (or the experiment, for all its variants) may set; the rest come from the base. */
export const experimentStage2Schema = z.strictObject({
  /** Items per DDL branch (6b images a step). */
  batchSize: wholeNumber('batchSize (b)', 2).max(4096).optional(),
  steps: wholeNumber('steps', 1).optional(),
  lr: learningRate.optional(),
  schedule: scheduleSchema.optional(),
  histogramEvery: wholeNumber('histogramEvery', 1).optional(),
  /** Any DDL option (lambdaPos, lambdaNeg, lambdaOrder, bins, sigma, studentPairs, teacherGradient...); checked with the DDL schema once merged. */
  ddl: z.record(z.string(), z.unknown()).optional(),
});
export type ExperimentStage2 = z.output<typeof experimentStage2Schema>;

export const experimentVariantSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, { error: 'a variant needs a name' })
    .max(100, { error: (iss) => `variant name must be at most 100 characters, got ${shown(iss.input)}` }),
  stage2: experimentStage2Schema.default({}),
  /** Fine-tune this completed stage-1 run for every seed (e.g. a pretrained import) instead of the seed's own stage 1. */
  parentRunId: z.int().min(1).optional(),
});
export type ExperimentVariant = z.output<typeof experimentVariantSchema>;

const datasetSizeSchema = z.strictObject({
  identities: wholeNumber('identities', 2).max(100_000),
  perIdentity: wholeNumber('perIdentity', 3).max(1000),
  seed: seedSchema,
});

export const experimentBases = ['quick', 'full', 'tiny'] as const;

export const experimentSpecSchema = z
  .strictObject({
    /** Editor aids, ignored. */
    $schema: z.string().optional(),
    '//': z.unknown().optional(),
    name: z
      .string()
      .trim()
      .min(1, { error: 'an experiment needs a name' })
      .max(200, { error: (iss) => `name must be at most 200 characters, got ${shown(iss.input)}` }),
    description: z.string().max(5000).optional(),
    /** The demo settings everything starts from (SynthFaces pose datasets, backbone, stage 1, stage 2); `tiny` runs in seconds, for trying the feature. */
    base: z
      .enum(experimentBases, { error: (iss) => `base must be "quick", "full" or "tiny", got ${shown(iss.input)}` })
      .default('quick'),
    data: z
      .strictObject({
        imageSize: wholeNumber('imageSize', 16).max(512).optional(),
        train: datasetSizeSchema.optional(),
        validation: datasetSizeSchema.optional(),
      })
      .default({}),
    backbone: backboneConfigSchema.optional(),
    head: headConfigSchema.optional(),
    stage1: z
      .strictObject({
        batchSize: wholeNumber('stage1.batchSize', 2).max(4096).optional(),
        steps: wholeNumber('stage1.steps', 1).optional(),
        lr: learningRate.optional(),
        schedule: scheduleSchema.optional(),
      })
      .default({}),
    /** Stage-2 settings of every variant (a variant's own win). */
    stage2: experimentStage2Schema.default({}),
    variants: z.array(experimentVariantSchema).min(1, { error: 'an experiment needs at least one variant' }).max(50),
    /** The seeds: a list, or { first, count } for first..first+count-1. */
    seeds: z
      .union([
        z.array(seedSchema).min(1, { error: 'seeds must hold at least one seed' }).max(100),
        z.strictObject({ first: seedSchema.default(1), count: wholeNumber('seeds.count', 1).max(100) }),
      ])
      .transform((s) => (Array.isArray(s) ? s : Array.from({ length: s.count }, (_, i) => s.first + i))),
    /** Where its runs train: the lab's own processes (default) or Slurm jobs (the data folder's slurm.json). */
    executor: executorNameSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    const names = new Set<string>();
    spec.variants.forEach((v, i) => {
      if (names.has(v.name))
        ctx.addIssue({ code: 'custom', path: ['variants', i, 'name'], message: `two variants are named "${v.name}"` });
      names.add(v.name);
    });
    if (new Set(spec.seeds).size !== spec.seeds.length)
      ctx.addIssue({
        code: 'custom',
        path: ['seeds'],
        message: `seeds must be distinct, got ${spec.seeds.join(', ')}`,
      });
  });

/** An experiment file as written. */
export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>;
/** An experiment with its defaults filled in and its seeds as a list. */
export type ExperimentSpec = z.output<typeof experimentSpecSchema>;

export const experimentStatuses = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export const experimentStatusSchema = z.enum(experimentStatuses);
export type ExperimentStatus = (typeof experimentStatuses)[number];

/** The arms of one seed: its stage 1 (shared by the variants) and, per variant, the two fine-tunes. */
export const experimentArms = ['stage1', 'classification', 'ddl'] as const;
export type ExperimentArm = (typeof experimentArms)[number];
