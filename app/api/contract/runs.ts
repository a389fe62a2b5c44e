import { z } from 'zod';
import {
  idSchema,
  metricPointSchema,
  runConfigInputSchema,
  runStatusSchema,
  type RunConfigInput,
} from '../../vocabulary/index.js';
import { timestampSchema } from './common.js';
import { similarityHistogramsSchema } from './distributions.js';

// runs.*: training runs of the DDL protocol. Stage 1 trains the baseline; stage 2 fine-tunes a
// stage-1 run, with DDL or with classification only (the fair comparison, same seed and steps).

// The run config and its parts (head, backbone, DDL options, schedule) and the run statuses are
// the lab's vocabulary (app/vocabulary): app/train reads the same fields from a run config file.

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
  /** Where the run trains: `local` (the lab's own process) or `slurm` (a batch job on a run bundle). */
  executor: z.enum(['local', 'slurm']).optional(),
  /** Slurm: the job id (`123`, or `123_0` for a task of an array job) and the scheduler's last state. */
  jobId: z.string().nullable().optional(),
  jobState: z.string().nullable().optional(),
  /** The researcher's note and tags (runs.update). */
  notes: z.string(),
  tags: z.array(z.string()),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const checkpointInfoSchema = z.object({ step: z.int().min(0), createdAt: timestampSchema });

export const runDetailSchema = runSummarySchema.extend({
  config: runConfigInputSchema,
  checkpoints: z.array(checkpointInfoSchema),
  /** Where the run process writes its output (stdout/stderr), for the curious. */
  logFile: z.string().nullable(),
  evaluationIds: z.array(idSchema),
  /** The lab version (and git commit) that created the run; null for runs from before it was recorded. */
  codeVersion: z.string().nullable(),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

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
  'runs.create': { params: z.strictObject({ config: runConfigInputSchema }), result: runSummarySchema },
  /** Graceful cancel (the process stops after its current step), forced after a grace period. */
  'runs.cancel': { params: runIdParams, result: runSummarySchema },
  /** Continue an interrupted or cancelled run from its last checkpoint. */
  'runs.resume': { params: runIdParams, result: runSummarySchema },
  'runs.list': {
    params: z.strictObject({
      datasetId: idSchema.optional(),
      status: runStatusSchema.optional(),
      /** Words that must all appear in the run's name, notes, tags or id (case-insensitive). */
      search: z.string().max(200).optional(),
      tag: z.string().max(200).optional(),
      /** DDL on (`ddl`) or off (`classification`: stage 1 and classification-only fine-tunes). */
      objective: z.enum(['classification', 'ddl']).optional(),
    }),
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
