import { z } from 'zod';
import { idSchema, timestampSchema } from './common.js';
import { imageItemSchema } from './datasets.js';
import { similarityHistogramsSchema } from './distributions.js';

// splits.*: what "hard" means for a dataset. A rule is plain JSON: conditions combined with and/or.

/** One condition on an image. Missing values never match a comparison (so `not` of one does). */
export type SplitCondition =
  /** A file or measured attribute against a threshold; `abs` compares |value| (|yaw| >= 45); `in` takes a list. */
  | {
      kind: 'attribute';
      attribute: string;
      op: z.infer<typeof splitComparisonSchema>;
      value: number | string | Array<number | string>;
      abs?: boolean;
    }
  /** Model-based: the image's per-image score (`score` by name, or a run's hardness by `runId`) is in the lowest `below` / highest `above` percent. */
  | { kind: 'percentile'; score?: string; runId?: string; below?: number; above?: number }
  /** Manual selection: exactly these images. */
  | { kind: 'images'; imageIds: string[] }
  /** Images carrying this manual tag. */
  | { kind: 'tag'; tag: string }
  | { kind: 'not'; condition: SplitCondition | SplitRule };

/** Conditions (or nested rules) combined with and/or. */
export interface SplitRule {
  combine: 'and' | 'or';
  conditions: Array<SplitCondition | SplitRule>;
}

export const splitComparisonSchema = z.enum(['<', '<=', '>', '>=', '==', '!=', 'in']);
const scalar = z.union([z.number(), z.string()]);
const percent = z.number().gt(0, 'must be above 0').lt(100, 'must be below 100');

export const splitConditionSchema: z.ZodType<SplitCondition> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z
      .strictObject({
        kind: z.literal('attribute'),
        attribute: z.string().min(1, 'choose an attribute'),
        op: splitComparisonSchema,
        value: z.union([scalar, z.array(scalar).min(1, '"in" needs at least one value')]),
        abs: z.boolean().optional(),
      })
      .refine((c) => (c.op === 'in') === Array.isArray(c.value), {
        path: ['value'],
        message: '"in" takes a list of values; every other comparison takes one value',
      }),
    z
      .strictObject({
        kind: z.literal('percentile'),
        score: z.string().min(1).optional(),
        runId: idSchema.optional(),
        below: percent.optional(),
        above: percent.optional(),
      })
      .refine((c) => (c.below === undefined) !== (c.above === undefined), {
        message: 'give exactly one of "below" or "above" (a percentage)',
      })
      .refine((c) => Boolean(c.score ?? c.runId), {
        message: 'name the per-image score ("score") or the run ("runId")',
      }),
    z.strictObject({
      kind: z.literal('images'),
      imageIds: z.array(idSchema).min(1, 'select at least one image').max(100_000),
    }),
    z.strictObject({ kind: z.literal('tag'), tag: z.string().min(1, 'name the tag') }),
    z.strictObject({ kind: z.literal('not'), condition: z.union([splitConditionSchema, splitRuleSchema]) }),
  ]),
);

export const splitRuleSchema: z.ZodType<SplitRule> = z.lazy(() =>
  z.strictObject({
    combine: z.enum(['and', 'or']),
    conditions: z.array(z.union([splitConditionSchema, splitRuleSchema])).min(1, 'add at least one condition'),
  }),
);

/**
 * Hard = images matching `hard`. Easy = images matching `easy` when given (and not hard), else every
 * other image. Manual tags "easy" / "hard" force an image to that side and "exclude" drops it,
 * unless `manualTags` is false.
 */
export const splitDefinitionSchema = z.strictObject({
  hard: splitRuleSchema,
  easy: splitRuleSchema.optional(),
  manualTags: z.boolean().optional(),
});
export type SplitDefinition = z.infer<typeof splitDefinitionSchema>;

/** Easy/hard counts of one attribute, chart-ready (bars split by side). */
export const attributeSplitCountsSchema = z.object({
  attribute: z.string(),
  source: z.enum(['file', 'measured']),
  kind: z.enum(['numeric', 'categorical']),
  bins: z.array(z.object({ x0: z.number(), x1: z.number(), easy: z.int().min(0), hard: z.int().min(0) })).optional(),
  categories: z.array(z.object({ value: z.string(), easy: z.int().min(0), hard: z.int().min(0) })).optional(),
  missing: z.object({ easy: z.int().min(0), hard: z.int().min(0) }),
});

export const splitSummarySchema = z.object({
  images: z.int().min(0),
  easyImages: z.int().min(0),
  hardImages: z.int().min(0),
  /** Images in neither side (an `easy` rule was given, or tagged "exclude"). */
  excludedImages: z.int().min(0),
  identities: z.int().min(0),
  identitiesWithEasy: z.int().min(0),
  identitiesWithHard: z.int().min(0),
  identitiesWithTwoEasy: z.int().min(0),
  identitiesWithTwoHard: z.int().min(0),
  /** Identities DDL can draw from: at least 2 easy and 1 hard image. */
  usableIdentities: z.int().min(0),
  /** Images whose side a manual tag decided. */
  forcedByTags: z.object({ easy: z.int().min(0), hard: z.int().min(0), exclude: z.int().min(0) }),
  perAttribute: z.array(attributeSplitCountsSchema),
  /** Plain-language problems, e.g. "only 3 identities usable for DDL". */
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
