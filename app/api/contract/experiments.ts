import { z } from 'zod';
import { experimentArms, experimentStatusSchema, idSchema, runStatusSchema } from '../../vocabulary/index.js';
import { timestampSchema } from './common.js';

// experiments.*: variants × seeds of paired DDL vs classification-only fine-tunes (the spec is
// app/vocabulary's experiment file), their progress, and per variant and metric both arms' mean
// and sd with the paired difference's 95 % CI and p (Student's t over seeds).

const progressSchema = z.object({ done: z.int().min(0), total: z.int().min(0) });

export const experimentSummarySchema = z.object({
  id: idSchema,
  name: z.string(),
  status: experimentStatusSchema,
  progress: progressSchema,
  createdAt: timestampSchema,
  error: z.string().nullable(),
});
export type ExperimentSummary = z.infer<typeof experimentSummarySchema>;

const armSchema = z.object({ mean: z.number().nullable(), sd: z.number().nullable(), n: z.int().min(0) });

export const experimentMetricSchema = z.object({
  key: z.string(),
  label: z.string(),
  better: z.enum(['higher', 'lower']),
  clsOnly: armSchema,
  ddl: armSchema,
  difference: armSchema.extend({
    ci95: z.tuple([z.number(), z.number()]).nullable(),
    p: z.number().nullable(),
  }),
});
export type ExperimentMetric = z.infer<typeof experimentMetricSchema>;

export const experimentDetailSchema = experimentSummarySchema.extend({
  startedAt: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
  /** The experiment file as parsed (defaults filled in, seeds as a list). */
  spec: z.record(z.string(), z.unknown()),
  seeds: z.array(z.int()),
  cells: z.array(
    z.object({
      seed: z.int(),
      /** '' for the seed's stage 1. */
      variant: z.string(),
      arm: z.enum(experimentArms),
      runId: idSchema.nullable(),
      status: runStatusSchema.nullable(),
      step: z.int().min(0),
      totalSteps: z.int().min(0),
      evaluated: z.boolean(),
      /** Where the cell's run trains, and for Slurm its job id and the scheduler's last state. */
      executor: z.enum(['local', 'slurm']).optional(),
      jobId: z.string().nullable().optional(),
      jobState: z.string().nullable().optional(),
    }),
  ),
  /** How the CI and p are computed. */
  method: z.string(),
  variants: z.array(z.object({ name: z.string(), seeds: z.array(z.int()), metrics: z.array(experimentMetricSchema) })),
  /** The results as CSV (one row per variant and metric). */
  csv: z.string(),
});
export type ExperimentDetail = z.infer<typeof experimentDetailSchema>;

const experimentIdParams = z.strictObject({ experimentId: idSchema });

export const experimentMethods = {
  'experiments.list': {
    params: z.strictObject({}),
    result: z.object({ experiments: z.array(experimentSummarySchema) }),
  },
  'experiments.get': { params: experimentIdParams, result: experimentDetailSchema },
  /** Check the spec (every problem named by field and variant), record the experiment and start it. */
  'experiments.create': { params: z.strictObject({ spec: z.unknown() }), result: experimentSummarySchema },
  /** Pick a stopped or failed experiment up where it was. */
  'experiments.resume': { params: experimentIdParams, result: experimentSummarySchema },
  /** Stop: its runs checkpoint and end interrupted; resume goes on from there. */
  'experiments.stop': { params: experimentIdParams, result: experimentSummarySchema },
} as const;
