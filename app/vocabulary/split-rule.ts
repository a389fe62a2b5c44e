import { idSchema } from './ids.js';
import { z } from './zod.js';

// What "hard" (and optionally "easy") means for a dataset, as plain JSON: conditions combined with
// and/or. This is the canonical form; hand-written rules may use shorthands that the lab's parser
// turns into it. Missing values never match a comparison (so `not` of one does).
// `ImageId` is how a rule names images: API ids (strings) here; the lab's parser also takes numbers.

export const splitComparisonOps = ['<', '<=', '>', '>=', '==', '!=', 'in'] as const;
export const splitComparisonSchema = z.enum(splitComparisonOps);
export type SplitComparisonOp = (typeof splitComparisonOps)[number];

/** One condition on an image. */
export type SplitCondition<ImageId extends number | string = string> =
  /** A file or measured attribute against a threshold; `abs` compares |value| (|yaw| >= 45); `in` takes a list. */
  | {
      kind: 'attribute';
      attribute: string;
      op: SplitComparisonOp;
      value: number | string | Array<number | string>;
      abs?: boolean;
    }
  /** Model-based: the image's per-image score (`score` by name, or a run's hardness by `runId`) is in the lowest `below` / highest `above` percent. */
  | { kind: 'percentile'; score?: string; runId?: string; below?: number; above?: number }
  /** Manual selection: exactly these images. */
  | { kind: 'images'; imageIds: ImageId[] }
  /** Images carrying this manual tag. */
  | { kind: 'tag'; tag: string }
  | { kind: 'not'; condition: SplitCondition<ImageId> | SplitRule<ImageId> };

/** Conditions (or nested rules) combined with and/or. */
export interface SplitRule<ImageId extends number | string = string> {
  combine: 'and' | 'or';
  conditions: Array<SplitCondition<ImageId> | SplitRule<ImageId>>;
}

/**
 * Hard = images matching `hard`. Easy = images matching `easy` when given (and not hard), else every
 * other image. Manual tags "easy" / "hard" force an image to that side and "exclude" drops it,
 * unless `manualTags` is false.
 */
export interface SplitDefinition<ImageId extends number | string = string> {
  hard: SplitRule<ImageId>;
  easy?: SplitRule<ImageId>;
  manualTags?: boolean;
}

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

export const splitDefinitionSchema = z.strictObject({
  hard: splitRuleSchema,
  easy: splitRuleSchema.optional(),
  manualTags: z.boolean().optional(),
});

/** Easy/hard counts of one attribute, chart-ready (bars split by side). */
export const attributeSplitCountsSchema = z.object({
  attribute: z.string(),
  source: z.enum(['file', 'measured']),
  kind: z.enum(['numeric', 'categorical']),
  /** Numeric: equal-width bins over the attribute's range. */
  bins: z.array(z.object({ x0: z.number(), x1: z.number(), easy: z.int().min(0), hard: z.int().min(0) })).optional(),
  /** Categorical: counts per value (the most frequent). */
  categories: z.array(z.object({ value: z.string(), easy: z.int().min(0), hard: z.int().min(0) })).optional(),
  missing: z.object({ easy: z.int().min(0), hard: z.int().min(0) }),
});
export type AttributeSplitCounts = z.infer<typeof attributeSplitCountsSchema>;

/** The counts a split gives: sides, identities usable for DDL, per-attribute counts and warnings. */
export const splitSummarySchema = z.object({
  images: z.int().min(0),
  easyImages: z.int().min(0),
  hardImages: z.int().min(0),
  /** Images in neither side (an `easy` rule was given, or tagged "exclude"). */
  excludedImages: z.int().min(0),
  /** Identities with an image on either side. */
  identities: z.int().min(0),
  identitiesWithEasy: z.int().min(0),
  identitiesWithHard: z.int().min(0),
  /** At least 2 easy images (can give an easy positive pair). */
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
