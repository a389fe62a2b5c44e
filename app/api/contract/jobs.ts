import { z } from 'zod';
import { idSchema } from '../../vocabulary/index.js';
import { noParams } from './common.js';

// jobs.*: long work that is not a training run (import, generation, evaluation, computed export). Cancellable.

export const jobKindSchema = z.enum(['import', 'synth', 'evaluation', 'export']);
export const jobStatusSchema = z.enum(['running', 'completed', 'failed', 'cancelled']);

/** What a finished job produced. */
export const jobResultSchema = z.object({
  datasetId: idSchema.optional(),
  evaluationId: idSchema.optional(),
  /** An export's files, for exports.computed. */
  exportId: z.string().optional(),
});

export const jobInfoSchema = z.object({
  id: idSchema,
  kind: jobKindSchema,
  status: jobStatusSchema,
  /** Current phase in words ("generating", "decoding", "embedding"...). */
  phase: z.string(),
  done: z.int().min(0),
  /** Null while the total is unknown. */
  total: z.int().min(0).nullable(),
  result: jobResultSchema.nullable(),
  error: z.string().nullable(),
});
export type JobInfo = z.infer<typeof jobInfoSchema>;

export const jobMethods = {
  'jobs.cancel': { params: z.strictObject({ jobId: idSchema }), result: jobInfoSchema },
  'jobs.get': { params: z.strictObject({ jobId: idSchema }), result: jobInfoSchema },
  /** Jobs of this session (running first), so a reloaded page can pick up their progress. */
  'jobs.list': { params: noParams, result: z.object({ jobs: z.array(jobInfoSchema) }) },
} as const;
