import { z } from 'zod';
import {
  evaluationStatusSchema,
  failureKindSchema,
  failureKinds,
  idSchema,
  pairTypeSchema,
} from '../../vocabulary/index.js';
import {
  attributeFilterSchema,
  attributesSchema,
  jobRefSchema,
  numericBinSchema,
  pageParams,
  pagedSchema,
  timestampSchema,
} from './common.js';

// evaluations.*: verification metrics of a run on a pair list, per pair type, and the pairs it gets wrong.

/** TAR at one FAR; `tar` is null ("n/a") when there are too few impostor pairs for that FAR. */
export const tarAtFarSchema = z.object({ far: z.number(), tar: z.number().nullable() });

/** ROC points, downsampled for a chart (at most ~200). */
export const rocPointSchema = z.object({ far: z.number(), tar: z.number() });

export const verificationMetricsSchema = z.object({
  pairs: z.int().min(0),
  genuine: z.int().min(0),
  impostor: z.int().min(0),
  /** 10-fold accuracy (LFW protocol): mean and standard deviation over folds. */
  accuracy: z.number().nullable(),
  accuracySd: z.number().nullable(),
  auc: z.number().nullable(),
  eer: z.number().nullable(),
  tarAtFar: z.array(tarAtFarSchema),
  /** E[S+], E[S-] and their margin (the paper's Fig. 1 measure). */
  meanGenuine: z.number().nullable(),
  meanImpostor: z.number().nullable(),
  margin: z.number().nullable(),
  /** E[S-] over each probe's hardest impostor and E[S+] minus it (evaluations with easy/hard sides; absent before). */
  meanHardestImpostor: z.number().nullable().optional(),
  hardestMargin: z.number().nullable().optional(),
  overlap: z.number().nullable(),
  dPrime: z.number().nullable(),
  roc: z.array(rocPointSchema),
  genuineHistogram: z.array(numericBinSchema),
  impostorHistogram: z.array(numericBinSchema),
});
export type VerificationMetrics = z.infer<typeof verificationMetricsSchema>;

export const evaluationSummarySchema = z.object({
  id: idSchema,
  runId: idSchema,
  datasetId: idSchema,
  pairListId: idSchema,
  status: evaluationStatusSchema,
  createdAt: timestampSchema,
  flipTest: z.boolean(),
  /** Step of the run's checkpoint that was evaluated (absent from evaluations made before it was recorded). */
  checkpointStep: z.int().min(0).optional(),
  /** Headlines for tables: overall accuracy and the easy-easy minus easy-hard accuracy gap. */
  accuracy: z.number().nullable(),
  easyHardGap: z.number().nullable(),
  error: z.string().nullable(),
});
export type EvaluationSummary = z.infer<typeof evaluationSummarySchema>;

export const evaluationDetailSchema = evaluationSummarySchema.extend({
  /** Score threshold used for failures (FAR 1e-2 on all pairs by default). */
  threshold: z.number().nullable(),
  overall: verificationMetricsSchema,
  /** Per pair type; a type with no pairs is absent. */
  byType: z.partialRecord(pairTypeSchema, verificationMetricsSchema),
  /** Gaps between pair types: easy-easy minus easy-hard, easy-easy minus hard-hard (accuracy, TAR, margin). */
  gaps: z.array(
    z.object({ metric: z.string(), from: pairTypeSchema, to: pairTypeSchema, value: z.number().nullable() }),
  ),
  identification: z
    .object({ rank1: z.number(), rank5: z.number(), probes: z.int().min(0), gallery: z.int().min(0) })
    .nullable(),
});
export type EvaluationDetail = z.infer<typeof evaluationDetailSchema>;

export const failureImageSchema = z.object({
  datasetId: idSchema,
  imageId: idSchema,
  identity: z.string(),
  path: z.string(),
  attributes: attributesSchema,
});

export const failurePairSchema = z.object({
  id: idSchema,
  /** false-reject: a genuine pair scored below the threshold; false-accept: an impostor pair above it. */
  kind: failureKindSchema,
  pairType: pairTypeSchema.nullable(),
  score: z.number(),
  threshold: z.number(),
  a: failureImageSchema,
  b: failureImageSchema,
});
export type FailurePair = z.infer<typeof failurePairSchema>;

/** Side-by-side rows for two evaluations: `delta` is b - a. */
export const comparisonRowSchema = z.object({
  metric: z.string(),
  pairType: z.union([pairTypeSchema, z.literal('overall'), z.literal('gap')]),
  a: z.number().nullable(),
  b: z.number().nullable(),
  delta: z.number().nullable(),
});

const evaluationIdParams = z.strictObject({ evaluationId: idSchema });

export const evaluationMethods = {
  /** Evaluate a run's checkpoint (its last by default) on a pair list and store it; progress as `job.progress`, the evaluation id in `job.finished`. */
  'evaluations.run': {
    params: z.strictObject({
      runId: idSchema,
      pairListId: idSchema,
      flipTest: z.boolean().default(false),
      /** A checkpoint of the run (runs.get lists them); default its latest. */
      checkpointStep: z.int().min(0).optional(),
      /** Failure threshold (a pair is accepted when score >= threshold); default FAR 1e-2 on all pairs. */
      threshold: z.number().min(-1).max(1).optional(),
    }),
    result: jobRefSchema,
  },
  'evaluations.get': { params: evaluationIdParams, result: evaluationDetailSchema },
  'evaluations.list': {
    params: z.strictObject({ runId: idSchema.optional() }),
    result: z.object({ evaluations: z.array(evaluationSummarySchema) }),
  },
  /** Failure gallery, worst first (lowest genuine / highest impostor scores), filtered by kind, pair type, attributes. */
  'evaluations.failures': {
    params: z.strictObject({
      evaluationId: idSchema,
      ...pageParams,
      kind: z.enum([...failureKinds, 'all']).default('all'),
      pairType: pairTypeSchema.optional(),
      /** Keep pairs where either image matches every filter. */
      filters: z.array(attributeFilterSchema).max(20).default([]),
    }),
    result: pagedSchema(failurePairSchema),
  },
  /** Two evaluations side by side: ROC overlays come from each detail, the table rows from here. */
  'evaluations.compare': {
    params: z.strictObject({ a: idSchema, b: idSchema }),
    result: z.object({ a: evaluationDetailSchema, b: evaluationDetailSchema, rows: z.array(comparisonRowSchema) }),
  },
} as const;
