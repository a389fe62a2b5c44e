import { z } from 'zod';
import { comparisonSchema, idSchema, timestampSchema } from './common.js';
import { imageItemSchema } from './datasets.js';
import { similarityHistogramsSchema } from './distributions.js';

// splits.*: what "hard" means for a dataset. A rule is plain JSON: conditions combined with and/or.

/** One condition on an image. */
export type SplitCondition =
  /** A file or measured attribute against a threshold; `abs` compares |value| (|yaw| >= 45). */
  | { kind: 'attribute'; attribute: string; op: z.infer<typeof comparisonSchema>; value: number | string; abs?: boolean }
  /** Model-based: the image's cosine to its identity's mean embedding under a run's model is below the given percentile. */
  | { kind: 'percentile'; runId: string; below: number }
  /** Manual tags: exactly these images. */
  | { kind: 'images'; imageIds: string[] };

/** Conditions (or nested rules) combined with and/or. */
export interface SplitRule {
  combine: 'and' | 'or';
  conditions: Array<SplitCondition | SplitRule>;
}

export const splitConditionSchema: z.ZodType<SplitCondition> = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('attribute'),
    attribute: z.string().min(1, 'choose an attribute'),
    op: comparisonSchema,
    value: z.union([z.number(), z.string()]),
    abs: z.boolean().optional(),
  }),
  z.strictObject({ kind: z.literal('percentile'), runId: idSchema, below: z.number().gt(0).lt(100) }),
  z.strictObject({ kind: z.literal('images'), imageIds: z.array(idSchema).min(1).max(100_000) }),
]);

export const splitRuleSchema: z.ZodType<SplitRule> = z.lazy(() =>
  z.strictObject({
    combine: z.enum(['and', 'or']),
    conditions: z.array(z.union([splitConditionSchema, splitRuleSchema])).min(1, 'add at least one condition'),
  }),
);

/** Hard = images matching `hard`. Easy = images matching `easy` when given, else every other image. */
export const splitDefinitionSchema = z.strictObject({ hard: splitRuleSchema, easy: splitRuleSchema.optional() });
export type SplitDefinition = z.infer<typeof splitDefinitionSchema>;

export const splitSummarySchema = z.object({
  images: z.int().min(0),
  easyImages: z.int().min(0),
  hardImages: z.int().min(0),
  /** Images in neither side (only when an `easy` rule is given). */
  excludedImages: z.int().min(0),
  identities: z.int().min(0),
  identitiesWithHard: z.int().min(0),
  /** Identities DDL can draw from: at least 2 easy and 1 hard image. */
  usableIdentities: z.int().min(0),
  /** Plain-language problems, e.g. "only 3 identities usable for DDL; a batch of 16 needs 16". */
  warnings: z.array(z.string()),
});
export type SplitSummary = z.infer<typeof splitSummarySchema>;

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
  'splits.save': { params: z.strictObject({ ...splitTarget, name: z.string().min(1, 'name the split').max(200) }), result: splitInfoSchema },
  'splits.list': { params: z.strictObject({ datasetId: idSchema.optional() }), result: z.object({ splits: z.array(splitInfoSchema) }) },
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
