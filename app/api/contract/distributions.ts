import { z } from 'zod';

// The four similarity distributions of DDL (teacher = easy, student = hard; positive = genuine,
// negative = impostor), chart-ready: one row per similarity bin, one column per distribution.

export const distributionNames = ['teacherPositive', 'teacherNegative', 'studentPositive', 'studentNegative'] as const;
export type DistributionName = (typeof distributionNames)[number];

const perDistribution = <T extends z.ZodType>(value: T) =>
  z.object({ teacherPositive: value, teacherNegative: value, studentPositive: value, studentNegative: value });

export const similarityHistogramsSchema = z.object({
  /** Rows for a chart: `x` is the bin centre (cosine similarity), each column a normalised density. */
  rows: z.array(
    z.object({
      x: z.number(),
      teacherPositive: z.number(),
      teacherNegative: z.number(),
      studentPositive: z.number(),
      studentNegative: z.number(),
    }),
  ),
  /** E[S] of each distribution (null when it has no samples): mark them on the chart. */
  expectations: perDistribution(z.number().nullable()),
  /** How many similarities went into each distribution. */
  counts: perDistribution(z.int().min(0)),
});
export type SimilarityHistograms = z.infer<typeof similarityHistogramsSchema>;
