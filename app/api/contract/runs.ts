import { z } from 'zod';
import { idSchema, timestampSchema } from './common.js';
import { similarityHistogramsSchema } from './distributions.js';

// runs.*: training runs of the DDL protocol. Stage 1 trains the baseline; stage 2 fine-tunes a
// stage-1 run, with DDL or with classification only (the fair comparison, same seed and steps).

export const runStatusSchema = z.enum(['queued', 'running', 'completed', 'cancelled', 'failed', 'interrupted']);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const headConfigSchema = z.strictObject({
  kind: z.enum(['arcface', 'cosface', 'curricularface', 'softmax']).default('arcface'),
  /** Scale s (DESIGN.md §3 defaults 64). */
  scale: z.number().positive('the scale s must be above 0').default(64),
  /** Margin m (ArcFace 0.5, CosFace 0.35). */
  margin: z.number().min(0).max(1.5).default(0.5),
});

export const backboneConfigSchema = z.strictObject({
  /** Registry name: ir-lite (CPU-sized), ir18, ir34, ir50 (112 px, for GPU). */
  name: z.string().min(1).default('ir-lite'),
  inputSize: z.int().min(32, 'input size must be at least 32 px').max(224).default(32),
  embeddingSize: z.int().min(8).max(1024).default(128),
  /** ir-lite only: base channel width and blocks per stage. */
  width: z.int().min(4).max(256).optional(),
  depth: z.int().min(1).max(8).optional(),
});

export const ddlOptionsSchema = z.strictObject({
  lambdaPos: z.number().min(0).default(0.1),
  lambdaNeg: z.number().min(0).default(0.02),
  lambdaOrder: z.number().min(0).default(0.5),
  bins: z.int().min(10).max(4000).default(1000),
  tMin: z.number().min(-1).max(1).default(0),
  tMax: z.number().min(-1).max(1).default(1),
  sigma: z.number().positive().default(0.1),
  positiveThreshold: z.number().min(-1).max(1).default(0),
  studentPairs: z.enum(['easy-hard', 'hard-hard']).default('easy-hard'),
  teacherGradient: z.enum(['flow', 'stop']).default('flow'),
  compat: z.enum(['default', 'reference']).default('default'),
});

export const scheduleSchema = z.strictObject({
  kind: z.enum(['step', 'cosine', 'constant']).default('step'),
  warmupSteps: z.int().min(0).default(0),
  /** Step schedule: multiply lr by `gamma` at each of these steps. */
  milestones: z.array(z.int().min(1)).default([]),
  gamma: z.number().gt(0).max(1).default(0.1),
});

export const runConfigSchema = z
  .strictObject({
    name: z.string().max(200).optional(),
    datasetId: idSchema,
    splitId: idSchema,
    stage: z.union([z.literal(1), z.literal(2)]).default(1),
    /** Stage 2: the stage-1 run to fine-tune from (its last checkpoint). */
    parentRunId: idSchema.optional(),
    /** Stage 2: DDL, or classification only (the fair baseline). Stage 1 is always classification. */
    objective: z.enum(['classification', 'ddl']).default('classification'),
    backbone: backboneConfigSchema.default({ name: 'ir-lite', inputSize: 32, embeddingSize: 128 }),
    head: headConfigSchema.default({ kind: 'arcface', scale: 64, margin: 0.5 }),
    ddl: ddlOptionsSchema.default({
      lambdaPos: 0.1, lambdaNeg: 0.02, lambdaOrder: 0.5, bins: 1000, tMin: 0, tMax: 1, sigma: 0.1,
      positiveThreshold: 0, studentPairs: 'easy-hard', teacherGradient: 'flow', compat: 'default',
    }),
    /** Images per branch (DDL draws 4 branches of this size). */
    batchSize: z.int().min(2, 'batch size must be at least 2').max(1024).default(32),
    steps: z.int().min(1, 'steps must be at least 1').max(10_000_000).default(200),
    lr: z.number().positive('learning rate must be above 0').max(10).default(0.1),
    momentum: z.number().min(0).max(0.999).default(0.9),
    weightDecay: z.number().min(0).max(1).default(5e-4),
    schedule: scheduleSchema.default({ kind: 'step', warmupSteps: 0, milestones: [], gamma: 0.1 }),
    seed: z.int().min(0).default(1),
    flip: z.boolean().default(true),
    /** Similarity histograms every N steps (`run.histograms` events). */
    histogramEvery: z.int().min(1).default(20),
    checkpointEvery: z.int().min(1).default(100),
  })
  .superRefine((config, ctx) => {
    if (config.stage === 2 && !config.parentRunId) {
      ctx.addIssue({ code: 'custom', path: ['parentRunId'], message: 'stage 2 fine-tunes a stage-1 run: choose the parent run' });
    }
    if (config.stage === 1 && config.objective === 'ddl') {
      ctx.addIssue({ code: 'custom', path: ['objective'], message: 'DDL is a stage-2 fine-tune: train stage 1 with classification first' });
    }
    if (config.schedule.warmupSteps >= config.steps) {
      ctx.addIssue({ code: 'custom', path: ['schedule', 'warmupSteps'], message: `warm-up (${config.schedule.warmupSteps} steps) must be shorter than the run (${config.steps} steps)` });
    }
    if (config.ddl.tMin >= config.ddl.tMax) {
      ctx.addIssue({ code: 'custom', path: ['ddl', 'tMax'], message: 'histogram range: tMax must be above tMin' });
    }
  });
/** A run config as the UI sends it (defaults may be left out). */
export type RunConfigInput = z.input<typeof runConfigSchema>;
/** A run config with every default filled in. */
export type RunConfig = z.output<typeof runConfigSchema>;

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
    params: z.strictObject({ runId: idSchema, sinceStep: z.int().min(-1).default(-1), limit: z.int().min(1).max(100_000).default(10_000) }),
    result: z.object({ runId: idSchema, points: z.array(metricPointSchema), lastStep: z.int().min(-1) }),
  },
  /** The four similarity histograms at a step (latest when `step` is omitted). */
  'runs.histograms': { params: z.strictObject({ runId: idSchema, step: z.int().min(0).optional() }), result: runHistogramsSchema },
} as const;
