import { z } from 'zod';
import { idSchema, timestampSchema } from './common.js';
import { similarityHistogramsSchema } from './distributions.js';

// runs.*: training runs of the DDL protocol. Stage 1 trains the baseline; stage 2 fine-tunes a
// stage-1 run, with DDL or with classification only (the fair comparison, same seed and steps).

export const runStatusSchema = z.enum(['queued', 'running', 'completed', 'cancelled', 'failed', 'interrupted']);
export type RunStatus = z.infer<typeof runStatusSchema>;

// The config mirrors app/train's run config field for field (a run config file and the Train form
// are the same thing); app/train validates it again, with the split and parent run at hand.

export const headTypeSchema = z.enum(['softmax', 'cosface', 'arcface', 'curricularface']);
/** Default margin m per head type (CosFace 0.35, ArcFace / CurricularFace 0.5, softmax none). */
export const defaultHeadMargins = { softmax: 0, cosface: 0.35, arcface: 0.5, curricularface: 0.5 } as const;

export const headConfigSchema = z.strictObject({
  type: headTypeSchema,
  /** Scale s (default 64). */
  s: z.number().gt(0, 'the scale s must be above 0').max(1e4).default(64),
  /** Margin m; default per head type (defaultHeadMargins). */
  m: z
    .number()
    .min(0, 'the margin m must be at least 0')
    .lt(Math.PI / 2, 'the margin m must be below pi/2')
    .optional(),
  /** CurricularFace's running-t momentum. */
  tMomentum: z.number().gt(0).max(1).default(0.01),
});

export const backboneNameSchema = z.enum(['ir-lite', 'ir18', 'ir34', 'ir50']);

export const backboneConfigSchema = z.strictObject({
  /** ir-lite: CPU-sized, inputs 32-64 px; ir18/34/50: insightface IResNet at 112 px (GPU). */
  name: backboneNameSchema,
  inputSize: z
    .int('input size must be a whole number of pixels')
    .min(16, 'input size must be at least 16 px')
    .max(224)
    .optional(),
  embeddingSize: z.int().min(2, 'embedding size must be at least 2').max(4096).optional(),
  /** ir-lite: channel width of each stage. */
  widths: z.array(z.int().min(1)).min(1).optional(),
  /** ir-lite: residual blocks per stage. */
  depths: z.array(z.int().min(1)).min(1).optional(),
  dropout: z.number().min(0).lt(1, 'dropout must be below 1').optional(),
  /** Weight-init seed (default: the run's seed). */
  seed: z.int().min(0).optional(),
});

export const ddlOptionsSchema = z.strictObject({
  /** Similarity bins t_r = min + r (max - min) / count (reference: 0 .. 0.999, 1000 bins). */
  bins: z
    .strictObject({
      min: z.number().default(0),
      max: z.number().default(1),
      count: z.int().min(2).max(100_000).default(1000),
    })
    .refine((b) => b.max > b.min, { path: ['max'], message: 'bins.max must be above bins.min' })
    .default({ min: 0, max: 1, count: 1000 }),
  sigma: z.number().gt(0, 'sigma must be above 0').default(0.1),
  lambdaPos: z.number().min(0).default(0.1),
  lambdaNeg: z.number().min(0).default(0.02),
  lambdaOrder: z.number().min(0).default(0.5),
  positiveThreshold: z.number().min(-1).lt(1).default(0),
  studentPairs: z.enum(['easy-hard', 'hard-hard']).default('easy-hard'),
  teacherGradient: z.enum(['flow', 'stop']).default('flow'),
  compat: z.enum(['clean', 'reference']).default('clean'),
});

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('step'),
    warmupSteps: z.int().min(0).default(0),
    /** Multiply the lr by `gamma` after each of these steps. */
    milestones: z.array(z.int().min(1, 'a milestone is a step number, at least 1')).default([]),
    gamma: z.number().gt(0).max(1).default(0.1),
  }),
  z.strictObject({
    kind: z.literal('cosine'),
    warmupSteps: z.int().min(0).default(0),
    minLrFactor: z.number().min(0).max(1).default(0),
  }),
  z.strictObject({ kind: z.literal('constant'), warmupSteps: z.int().min(0).default(0) }),
]);

export const runConfigSchema = z
  .strictObject({
    name: z.string().max(200).optional(),
    datasetId: idSchema,
    splitId: idSchema,
    stage: z.union([z.literal(1), z.literal(2)]).default(1),
    /** Stage 2: the stage-1 run whose last checkpoint is fine-tuned. */
    parentRunId: idSchema.optional(),
    /** Stage 2: which of the parent's checkpoints (filled in with its latest when the run is created). */
    parentCheckpointStep: z.int().min(0).optional(),
    /** Stage 2: DDL, or classification only on the same batches (the fair baseline). Default: ddl. */
    objective: z.enum(['ddl', 'classification']).optional(),
    /** Stage 1 (required there); stage 2 inherits its parent's. */
    backbone: backboneConfigSchema.optional(),
    /** Margin head; stage 2 defaults to its parent's. */
    head: headConfigSchema.optional(),
    /** Stage 2 with DDL. */
    ddl: ddlOptionsSchema.optional(),
    /** Stage 1: images per batch. Stage 2: items per DDL branch (b). */
    batchSize: z.int('batch size must be a whole number').min(2, 'batch size must be at least 2').max(4096),
    steps: z.int('steps must be a whole number').min(1, 'steps must be at least 1'),
    lr: z.number().gt(0, 'learning rate must be above 0').max(10, 'learning rate must be at most 10'),
    momentum: z.number().min(0).lt(1).default(0.9),
    /** On conv / FC / classifier weights, never on BatchNorm. */
    weightDecay: z.number().min(0).default(5e-4),
    /** Global gradient-norm clip; 0 turns it off. */
    clipGradNorm: z.number().min(0).default(5),
    schedule: scheduleSchema.default({ kind: 'constant', warmupSteps: 0 }),
    seed: z
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    flip: z.boolean().default(true),
    /** Similarity histograms every N steps (stage 2; `run.histograms` events). */
    histogramEvery: z.int().min(1).default(10),
    checkpointEvery: z.int().min(1).default(100),
    keepCheckpoints: z.int().min(1).default(2),
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
  });
/** A run config as the UI sends it (defaults may be left out). */
export type RunConfigInput = z.input<typeof runConfigSchema>;
/** A run config with every default filled in. */
export type RunConfig = z.output<typeof runConfigSchema>;

/**
 * Suggested starting points for the Train form (CPU-sized, SynthFaces at 32 px). Stage 2 follows the
 * paper's protocol: a small learning rate, x0.1 after the first half.
 */
export const suggestedRunConfigs = {
  stage1: {
    stage: 1,
    backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 128 },
    head: { type: 'arcface', s: 32, m: 0.5 },
    batchSize: 64,
    steps: 300,
    lr: 0.1,
    schedule: { kind: 'cosine', warmupSteps: 20, minLrFactor: 0 },
    seed: 1,
  },
  stage2: {
    stage: 2,
    objective: 'ddl',
    batchSize: 16,
    steps: 200,
    lr: 0.001,
    schedule: { kind: 'step', warmupSteps: 0, milestones: [100], gamma: 0.1 },
    seed: 1,
    histogramEvery: 10,
  },
} as const satisfies Record<string, Omit<RunConfigInput, 'datasetId' | 'splitId'>>;

export const runSummarySchema = z.object({
  id: idSchema,
  name: z.string(),
  datasetId: idSchema,
  splitId: idSchema,
  stage: z.union([z.literal(1), z.literal(2)]),
  parentRunId: idSchema.nullable(),
  objective: z.enum(['classification', 'ddl']),
  status: runStatusSchema,
  /** tfjs backend the run process used (null before it started). */
  backend: z.string().nullable(),
  seed: z.int(),
  step: z.int().min(0),
  totalSteps: z.int().min(0),
  createdAt: timestampSchema,
  startedAt: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
  /** Why the run failed or stopped, in words. */
  error: z.string().nullable(),
  /** Last recorded total loss, for the runs table. */
  lastLoss: z.number().nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const checkpointInfoSchema = z.object({ step: z.int().min(0), createdAt: timestampSchema });

export const runDetailSchema = runSummarySchema.extend({
  config: runConfigSchema,
  checkpoints: z.array(checkpointInfoSchema),
  /** Where the run process writes its output (stdout/stderr), for the curious. */
  logFile: z.string().nullable(),
  evaluationIds: z.array(idSchema),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

/** One recorded step, chart-ready. `terms` holds each loss term: cls, clsEasy, clsHard, posKL, negKL, order, total. */
export const metricPointSchema = z.object({
  step: z.int().min(0),
  /** Seconds since the run started. */
  time: z.number(),
  lr: z.number().nullable(),
  imagesPerSecond: z.number().nullable(),
  terms: z.record(z.string(), z.number()),
  /** Other per-step scalars: gradNorm, and in stage 2 the batch's teacherPosMean, teacherNegMean, studentPosMean, studentNegMean. */
  extras: z.record(z.string(), z.number()),
});
export type MetricPoint = z.infer<typeof metricPointSchema>;

export const runHistogramsSchema = similarityHistogramsSchema.extend({
  runId: idSchema,
  /** The step these histograms were recorded at (null when none recorded yet). */
  step: z.int().min(0).nullable(),
  /** Every step with recorded histograms, for a step slider. */
  availableSteps: z.array(z.int().min(0)),
});
export type RunHistograms = z.infer<typeof runHistogramsSchema>;

const runIdParams = z.strictObject({ runId: idSchema });

export const runMethods = {
  /** Validate the config, create the run and start its process. */
  'runs.create': { params: z.strictObject({ config: runConfigSchema }), result: runSummarySchema },
  /** Graceful cancel (the process stops after its current step), forced after a grace period. */
  'runs.cancel': { params: runIdParams, result: runSummarySchema },
  /** Continue an interrupted or cancelled run from its last checkpoint. */
  'runs.resume': { params: runIdParams, result: runSummarySchema },
  'runs.list': {
    params: z.strictObject({ datasetId: idSchema.optional(), status: runStatusSchema.optional() }),
    result: z.object({ runs: z.array(runSummarySchema) }),
  },
  'runs.get': { params: runIdParams, result: runDetailSchema },
  /** Metric rows after `sinceStep` (exclusive), oldest first; poll with the last step seen, or follow `run.progress`. */
  'runs.metrics': {
    params: z.strictObject({
      runId: idSchema,
      sinceStep: z.int().min(-1).default(-1),
      limit: z.int().min(1).max(100_000).default(10_000),
    }),
    result: z.object({ runId: idSchema, points: z.array(metricPointSchema), lastStep: z.int().min(-1) }),
  },
  /** The four similarity histograms at a step (latest when `step` is omitted). */
  'runs.histograms': {
    params: z.strictObject({ runId: idSchema, step: z.int().min(0).optional() }),
    result: runHistogramsSchema,
  },
} as const;
