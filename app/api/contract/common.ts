// The vocabulary comes first: it sets zod up for the page before any schema is built.
import { idSchema } from '../../vocabulary/index.js';
import { z } from 'zod';

// Building blocks shared by every part of the contract: paging, histograms, filters. Ids, pair
// types and the rest of the words the core shares come from app/vocabulary (re-exported by index.ts).

/** ISO-8601 timestamp, e.g. "2025-01-31T12:00:00.000Z". */
export const timestampSchema = z.string();

/** Paging for long lists; the UI asks for windows of a virtualised list. */
export const pageParams = {
  offset: z.int().min(0).default(0),
  limit: z.int().min(1).max(1000).default(100),
};

/** A window of a long list: `total` is the size of the whole (filtered) list. */
export function pagedSchema<T extends z.ZodType>(item: T) {
  return z.object({ total: z.int().min(0), offset: z.int().min(0), items: z.array(item) });
}

/** An empty params object (methods that take nothing still validate that nothing extra was sent). */
export const noParams = z.strictObject({});

/** Attribute values: numbers (yaw, resolution, sharpness...) or categories (race, quality...); null when missing. */
export const attributeValueSchema = z.union([z.number(), z.string(), z.null()]);
export const attributesSchema = z.record(z.string(), attributeValueSchema);

/** Histogram of a numeric quantity, chart-ready: one row per bin. */
export const numericBinSchema = z.object({ x0: z.number(), x1: z.number(), count: z.number() });
export type NumericBin = z.infer<typeof numericBinSchema>;

/** Counts per category value, chart-ready. */
export const categoryCountSchema = z.object({ value: z.string(), count: z.int().min(0) });

/** Comparison used by split rules and failure filters. */
export const comparisonSchema = z.enum(['<', '<=', '>', '>=', '==', '!=']);
export type Comparison = z.infer<typeof comparisonSchema>;

/** A filter on one attribute (`abs` compares |value|, e.g. |yaw| >= 45). */
export const attributeFilterSchema = z.strictObject({
  attribute: z.string().min(1),
  op: comparisonSchema,
  value: z.union([z.number(), z.string()]),
  abs: z.boolean().default(false),
});
export type AttributeFilter = z.infer<typeof attributeFilterSchema>;

/** Reference to a long job (import, generation, evaluation): progress arrives as `job.*` events. */
export const jobRefSchema = z.object({ jobId: idSchema });
export type JobRef = z.infer<typeof jobRefSchema>;
