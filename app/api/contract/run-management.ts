import { z } from 'zod';
import { idSchema } from '../../vocabulary/index.js';
import { jobRefSchema, noParams, timestampSchema } from './common.js';
import { pairListSummarySchema } from './datasets.js';
import { tarAtFarSchema } from './evaluations.js';
import { runSummarySchema } from './runs.js';

// Run management and results across datasets: rename, notes, tags and delete a run; every pair list
// a run can be evaluated on (any dataset's); the benchmark table (one cell per run and pair list);
// a comparison of any number of runs against a baseline; and files to download, made by app/export.

const runIdParams = z.strictObject({ runId: idSchema });

/** What deleting a run removes (counted before, or what was removed after). */
export const runRemovalSchema = z.object({
  runId: idSchema,
  name: z.string(),
  metricRows: z.int().min(0),
  histogramRows: z.int().min(0),
  checkpoints: z.int().min(0),
  evaluations: z.int().min(0),
  failureRows: z.int().min(0),
  tags: z.int().min(0),
  /** Bytes in the run's folder (checkpoints, log). */
  folderBytes: z.int().min(0),
  folder: z.string(),
  /** Why it cannot be deleted now (running, or the parent of other runs); null when it can. */
  blockedBy: z.string().nullable(),
});
export type RunRemoval = z.infer<typeof runRemovalSchema>;

/** A pair list with the dataset it belongs to: a benchmark any run may be evaluated on. */
export const benchmarkSchema = pairListSummarySchema.extend({
  datasetId: idSchema,
  datasetName: z.string(),
  /** Folds the list carries (LFW pairs.txt: 10); 1 when it has none. */
  folds: z.int().min(1),
});
export type Benchmark = z.infer<typeof benchmarkSchema>;

/** The latest completed evaluation of one run on one pair list, in headline numbers. */
export const benchmarkCellSchema = z.object({
  runId: idSchema,
  pairListId: idSchema,
  evaluationId: idSchema,
  checkpointStep: z.int().min(0),
  createdAt: timestampSchema,
  accuracy: z.number().nullable(),
  accuracySd: z.number().nullable(),
  auc: z.number().nullable(),
  eer: z.number().nullable(),
  tarAtFar: z.array(tarAtFarSchema),
  easyHardGap: z.number().nullable(),
});
export type BenchmarkCell = z.infer<typeof benchmarkCellSchema>;

/** One metric of one benchmark across the compared runs; `deltas[i]` = values[i] - the baseline's value. */
export const comparisonLineSchema = z.object({
  pairListId: idSchema.nullable(),
  benchmark: z.string(),
  metric: z.string(),
  values: z.array(z.number().nullable()),
  deltas: z.array(z.number().nullable()),
});
export type ComparisonLine = z.infer<typeof comparisonLineSchema>;

const compareParams = z.strictObject({
  runIds: z.array(idSchema).min(1).max(50),
  /** Deltas are taken against this run; default the first of runIds. */
  baselineRunId: idSchema.optional(),
});

export const exportKinds = [
  'run-series-csv',
  'run-json',
  'evaluation-json',
  'evaluation-csv',
  'failures-csv',
  'comparison-csv',
] as const;

export const exportRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['run-series-csv', 'run-json']), runId: idSchema }),
  z.strictObject({ kind: z.enum(['evaluation-json', 'evaluation-csv', 'failures-csv']), evaluationId: idSchema }),
  z.strictObject({ kind: z.literal('comparison-csv'), ...compareParams.shape }),
]);
export type ExportRequest = z.input<typeof exportRequestSchema>;

export const exportFileSchema = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  /** The file's text (CSV or JSON), or its bytes in base64 when `encoding` says so (an .npy). */
  content: z.string(),
  encoding: z.enum(['utf8', 'base64']).optional(),
});
export type ExportFile = z.infer<typeof exportFileSchema>;

/**
 * Exports that need the model again, computed as a job: an evaluation's per-pair scores (CSV
 * path1,path2,label,type,score, as `ddl-lab eval --scores-out`), the embeddings it scored, or a
 * run's embeddings of any dataset (CSV, or .npy with its rows file, as `ddl-lab runs embeddings`).
 */
export const computedExportRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pair-scores-csv'), evaluationId: idSchema }),
  z.strictObject({
    kind: z.literal('evaluation-embeddings'),
    evaluationId: idSchema,
    format: z.enum(['csv', 'npy']).default('csv'),
  }),
  z.strictObject({
    kind: z.literal('run-embeddings'),
    runId: idSchema,
    datasetId: idSchema,
    format: z.enum(['csv', 'npy']).default('csv'),
    /** A checkpoint of the run (runs.get lists them); default its latest. */
    checkpointStep: z.int().min(0).optional(),
  }),
]);
export type ComputedExportRequest = z.input<typeof computedExportRequestSchema>;

export const runManagementMethods = {
  /** Rename a run, replace its notes or its tags (fields left out stay as they are). */
  'runs.update': {
    params: z.strictObject({
      runId: idSchema,
      name: z.string().trim().min(1).max(200).optional(),
      notes: z.string().max(20_000).optional(),
      tags: z.array(z.string().max(200)).max(50).optional(),
    }),
    result: runSummarySchema,
  },
  /** What deleting the run would remove, and whether it can be deleted now. */
  'runs.removal': { params: runIdParams, result: runRemovalSchema },
  /** Delete a finished run: its metric rows, histograms, checkpoints (files too), evaluations and tags. */
  'runs.delete': { params: runIdParams, result: runRemovalSchema },
  /** Every tag used on runs, with how many runs carry it. */
  'runs.tags': {
    params: noParams,
    result: z.object({ tags: z.array(z.object({ tag: z.string(), runs: z.int().min(0) })) }),
  },
  /** Every pair list of every ready dataset: any run can be evaluated on any of them. */
  'evaluations.benchmarks': { params: noParams, result: z.object({ benchmarks: z.array(benchmarkSchema) }) },
  /** Per run and pair list, the latest completed evaluation (runIds: these runs only). */
  'evaluations.table': {
    params: z.strictObject({ runIds: z.array(idSchema).max(500).optional() }),
    result: z.object({ benchmarks: z.array(benchmarkSchema), cells: z.array(benchmarkCellSchema) }),
  },
  /** Any number of runs: every benchmark metric side by side with deltas against the baseline run. */
  'runs.compare': {
    params: compareParams,
    result: z.object({
      baselineRunId: idSchema,
      runs: z.array(z.object({ id: idSchema, name: z.string() })),
      lines: z.array(comparisonLineSchema),
    }),
  },
  /** A file to download, made by the same app/export functions as the CLI's exports. */
  'exports.file': { params: exportRequestSchema, result: exportFileSchema },
  /** Start computing an export that needs the model again; progress as `job.progress`, `exportId` in `job.finished`. */
  'exports.compute': { params: computedExportRequestSchema, result: jobRefSchema },
  /** The files a finished `exports.compute` job wrote (kept for the last few exports of this session). */
  'exports.computed': {
    params: z.strictObject({ exportId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/) }),
    result: z.object({ files: z.array(exportFileSchema) }),
  },
} as const;
