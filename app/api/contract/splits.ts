import { z } from 'zod';
import { idSchema, splitDefinitionSchema, splitSummarySchema } from '../../vocabulary/index.js';
import { timestampSchema } from './common.js';
import { imageItemSchema } from './datasets.js';
import { similarityHistogramsSchema } from './distributions.js';

// splits.*: what "hard" means for a dataset. A rule is plain JSON: conditions combined with and/or;
// the rule and the summary of what it gives are the lab's vocabulary (app/vocabulary).

export const splitInfoSchema = z.object({
  id: idSchema,
  datasetId: idSchema,
  name: z.string(),
  definition: splitDefinitionSchema,
  summary: splitSummarySchema,
  createdAt: timestampSchema,
});
export type SplitInfo = z.infer<typeof splitInfoSchema>;

/** An image near the rule's boundary; `margin` is how far its attribute is from the threshold that decided it. */
export const boundaryExampleSchema = imageItemSchema.extend({ margin: z.number().nullable() });

const splitTarget = { datasetId: idSchema, definition: splitDefinitionSchema };

export const splitMethods = {
  /** Counts for a rule, without saving it (live, as the rule builder changes). */
  'splits.preview': { params: z.strictObject(splitTarget), result: splitSummarySchema },
  'splits.save': {
    params: z.strictObject({ ...splitTarget, name: z.string().min(1, 'name the split').max(200) }),
    result: splitInfoSchema,
  },
  'splits.list': {
    params: z.strictObject({ datasetId: idSchema.optional() }),
    result: z.object({ splits: z.array(splitInfoSchema) }),
  },
  'splits.get': { params: z.strictObject({ splitId: idSchema }), result: splitInfoSchema },
  /** Images from both sides of the boundary, closest to it first. */
  'splits.boundary': {
    params: z.strictObject({ ...splitTarget, perSide: z.int().min(1).max(100).default(12) }),
    result: z.object({ easy: z.array(boundaryExampleSchema), hard: z.array(boundaryExampleSchema) }),
  },
  /** The teacher/student positive/negative similarity histograms this split gives under a trained run's model. */
  'splits.distributions': {
    params: z.strictObject({ ...splitTarget, runId: idSchema, maxImages: z.int().min(10).max(20_000).default(2000) }),
    result: similarityHistogramsSchema,
  },
} as const;
