import { backboneConfigSchema } from './backbone.js';
import { ddlConfigSchema } from './ddl-options.js';
import { headConfigSchema } from './heads.js';
import { idSchema } from './ids.js';
import { classifierInitSchema, pretrainedModelSchema } from './pretrained.js';
import { shown, wholeNumber } from './messages.js';
import { scheduleSchema, type Schedule } from './schedule.js';
import { z } from './zod.js';

// A run is fully described by its config plus seed (insightface habit). Stage 1 trains the
// backbone and classifier with the margin head on all training images; stage 2 fine-tunes a
// stage-1 run's last checkpoint on DDL batches, with DDL (`objective: "ddl"`) or with
// classification only on the same batches (`"classification"`, the fair baseline).
//
// One config, two forms built from the same fields:
// - the input form (runConfigInputSchema) is what a client sends: the Train form, `runs.create`.
//   It names the dataset and split by API id, its stage-2 parts are optional, and the rules
//   between stage and fields are checked across the object so each problem lands on its field;
// - the trainer's form (trainerRunConfigSchema) is what a run config file and a stored run hold:
//   one schema per stage, the parent run by its number, and every default filled in.

/** Fields both stages have. */
const runFields = {
  name: z.string().max(200).optional(),
  /** Margin head; stage 1 needs one, stage 2 defaults to its parent's. */
  head: headConfigSchema.optional(),
  /** Stage 1: images per batch. Stage 2: items per DDL branch (b), so 6b images per step. */
  batchSize: wholeNumber('batch size', 2).max(4096, {
    error: (iss) => `batch size must be at most 4096, got ${shown(iss.input)}`,
  }),
  steps: wholeNumber('steps', 1),
  lr: z
    .number({ error: (iss) => `learning rate must be a number, got ${shown(iss.input)}` })
    .gt(0, { error: (iss) => `learning rate must be positive, got ${shown(iss.input)}` })
    .max(10, { error: (iss) => `learning rate must be at most 10, got ${shown(iss.input)}` }),
  momentum: z
    .number()
    .min(0, { error: (iss) => `momentum must be in [0, 1), got ${shown(iss.input)}` })
    .lt(1, { error: (iss) => `momentum must be in [0, 1), got ${shown(iss.input)}` })
    .default(0.9),
  /** On conv / FC / classifier weights only, never on BatchNorm. */
  weightDecay: z
    .number()
    .min(0, { error: (iss) => `weight decay must be >= 0, got ${shown(iss.input)}` })
    .default(5e-4),
  /** Global gradient-norm clip (insightface: 5); 0 turns it off. */
  clipGradNorm: z
    .number()
    .min(0, { error: (iss) => `clipGradNorm must be >= 0 (0 = off), got ${shown(iss.input)}` })
    .default(5),
  schedule: scheduleSchema.default({ kind: 'constant', warmupSteps: 0 }),
  seed: wholeNumber('seed', 0)
    .max(2 ** 31 - 1)
    .default(1),
  /** Random horizontal flips of training images. */
  flip: z.boolean().default(true),
  /** Similarity histograms every N steps (stage 2; `run.histograms` events). */
  histogramEvery: wholeNumber('histogramEvery', 1).default(10),
  checkpointEvery: wholeNumber('checkpointEvery', 1).default(100),
  /** How many of the newest checkpoints to keep (older ones are deleted; the final one is the newest). */
  keepCheckpoints: wholeNumber('keepCheckpoints', 1).default(2),
};

/** Stage 2: DDL, or classification only on the same batches (the fair baseline). */
const objectiveSchema = z.enum(['ddl', 'classification'], {
  error: (iss) => `objective must be "ddl" or "classification", got ${shown(iss.input)}`,
});
/** Stage 2: which of the parent's checkpoints; filled in with its latest when the run is created. */
const parentCheckpointStep = z.int().min(0).optional();

/** The schedule must fit in the run: warm-up shorter than it, every milestone before its last step. */
function checkScheduleFits(config: { schedule: Schedule; steps: number }, ctx: z.RefinementCtx) {
  if (config.schedule.warmupSteps >= config.steps) {
    ctx.addIssue({
      code: 'custom',
      path: ['schedule', 'warmupSteps'],
      message: `warm-up (${config.schedule.warmupSteps} steps) must be shorter than the run (${config.steps} steps)`,
    });
  }
  if (config.schedule.kind === 'step') {
    const late = config.schedule.milestones.filter((m) => m >= config.steps);
    if (late.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['schedule', 'milestones'],
        message: `milestones ${late.join(', ')} are not before the last step (${config.steps})`,
      });
  }
}

// --- The trainer's form ---

/** The parent run by its database number (a config file may write it as a string of digits). */
const runNumberSchema = z
  .union([z.number(), z.string().regex(/^\d+$/)], {
    error: (iss) => `parentRunId must be a run id (a whole number), got ${shown(iss.input)}`,
  })
  .transform(Number);

/** Stage 1 from a pretrained model (app/models/zoo) instead of random weights. */
const pretrainedFields = {
  pretrained: pretrainedModelSchema.optional(),
  /** Default class-means: each identity's normalised mean embedding; "normal": normal(0, 0.01). */
  classifierInit: classifierInitSchema.optional(),
  /**
   * With `pretrained`: subtract the mean raw embedding of the dataset's images from the bias of the
   * model's last linear layer before the classifier is made (the pretrained-start.ts "centred start").
   * Default false: the package's weights as they are.
   */
  centre: z.boolean({ error: (iss) => `centre must be true or false, got ${shown(iss.input)}` }).optional(),
};

export const stage1ConfigSchema = z.strictObject({
  stage: z.literal(1),
  backbone: backboneConfigSchema,
  ...pretrainedFields,
  ...runFields,
});

export const stage2ConfigSchema = z.strictObject({
  stage: z.literal(2),
  /** The stage-1 run whose last checkpoint is fine-tuned. */
  parentRunId: runNumberSchema,
  parentCheckpointStep,
  /** Inherited from the parent (filled in when the run is created); if given, it must match. */
  backbone: backboneConfigSchema.optional(),
  objective: objectiveSchema.default('ddl'),
  ddl: ddlConfigSchema.default(ddlConfigSchema.parse({})),
  ...runFields,
});

/** A config file's editor aids: a "$schema" reference and "//" comments, dropped before parsing. */
const editorKeys = new Set(['$schema', '//']);

/** A run config file / stored run config: stage 1 when no stage is given. */
export const trainerRunConfigSchema = z
  .preprocess(
    (input) => {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
      const fields = Object.fromEntries(Object.entries(input).filter(([key]) => !editorKeys.has(key)));
      return 'stage' in fields ? fields : { ...fields, stage: 1 };
    },
    z.discriminatedUnion('stage', [stage1ConfigSchema, stage2ConfigSchema], {
      error: (iss) => `stage must be 1 or 2, got ${shown((iss.input as { stage?: unknown } | undefined)?.stage)}`,
    }),
  )
  .superRefine(checkScheduleFits);

export type TrainerRunConfigInput = z.input<typeof trainerRunConfigSchema>;
/** A parsed run config with every default filled in. */
export type TrainerRunConfig = z.output<typeof trainerRunConfigSchema>;
export type Stage1Config = z.output<typeof stage1ConfigSchema>;
export type Stage2Config = z.output<typeof stage2ConfigSchema>;

// --- The input form ---

export const runConfigInputSchema = z
  .strictObject({
    datasetId: idSchema,
    splitId: idSchema,
    stage: z.union([z.literal(1), z.literal(2)]).default(1),
    /** Stage 2: the stage-1 run whose last checkpoint is fine-tuned. */
    parentRunId: idSchema.optional(),
    parentCheckpointStep,
    /** Default: ddl. */
    objective: objectiveSchema.optional(),
    /** Stage 1 (required there); stage 2 inherits its parent's. */
    backbone: backboneConfigSchema.optional(),
    /** Stage 2 with DDL. */
    ddl: ddlConfigSchema.optional(),
    ...pretrainedFields,
    ...runFields,
  })
  .superRefine((config, ctx) => {
    if (config.stage === 2 && !config.parentRunId) {
      ctx.addIssue({
        code: 'custom',
        path: ['parentRunId'],
        message: 'stage 2 fine-tunes a stage-1 run: choose the parent run',
      });
    }
    if (config.stage === 1 && !config.backbone) {
      ctx.addIssue({
        code: 'custom',
        path: ['backbone'],
        message: 'stage 1 needs a backbone, e.g. { "name": "ir-lite", "inputSize": 32 }',
      });
    }
    if (config.stage === 1 && !config.head) {
      ctx.addIssue({
        code: 'custom',
        path: ['head'],
        message: 'stage 1 needs a margin head, e.g. { "type": "arcface" }',
      });
    }
    if (
      config.stage === 2 &&
      (config.pretrained !== undefined || config.classifierInit !== undefined || config.centre !== undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: [
          config.pretrained !== undefined
            ? 'pretrained'
            : config.classifierInit !== undefined
              ? 'classifierInit'
              : 'centre',
        ],
        message:
          'stage 2 starts from its parent run; to fine-tune a pretrained model, make its parent a pretrained stage-1 run',
      });
    }
    if (
      config.stage === 1 &&
      (config.objective !== undefined || config.ddl !== undefined || config.parentRunId !== undefined)
    ) {
      const field = config.objective !== undefined ? 'objective' : config.ddl !== undefined ? 'ddl' : 'parentRunId';
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `${field} belongs to stage 2 (DDL fine-tuning of a stage-1 run)`,
      });
    }
    checkScheduleFits(config, ctx);
  });
/** A run config as a client sends it (defaults may be left out). */
export type RunConfigInput = z.input<typeof runConfigInputSchema>;
/** A run config as the API reports it: the input form with its defaults filled in. */
export type RunConfig = z.output<typeof runConfigInputSchema>;
