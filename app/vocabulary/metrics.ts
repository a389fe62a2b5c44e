import { z } from './zod.js';

// What a training run records per step, by the names the trainer writes and the charts read.

/** Loss terms. Stage 1: cls, total. Stage 2: clsEasy, clsHard, posKL, negKL, order, total. */
export const lossTermNames = ['cls', 'clsEasy', 'clsHard', 'posKL', 'negKL', 'order', 'total'] as const;
export type LossTermName = (typeof lossTermNames)[number];

/**
 * Other per-step series: learning rate, throughput (moving average), seconds of training so far
 * (summed over resumes), gradient norm before clipping; in stage 2 also the DDL total (recorded
 * even when the objective is classification only), the batch's four similarity expectations and
 * how many positive pairs passed positiveThreshold in each branch.
 */
export const stepMetricNames = [
  'lr',
  'imagesPerSecond',
  'time',
  'gradNorm',
  'ddl',
  'teacherPosMean',
  'teacherNegMean',
  'studentPosMean',
  'studentNegMean',
  'teacherPosKept',
  'studentPosKept',
] as const;
export type StepMetricName = (typeof stepMetricNames)[number];

/** One recorded step, chart-ready: `terms` by loss term name, `extras` the other step metrics. */
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
