// Options of computeVerificationReport: zod schema with the defaults, and readable errors.
import { z } from 'zod';
import type { VerificationOptions } from './report-types.js';

export const defaultFarTargets = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6];

export const verificationOptionsSchema = z
  .object({
    bins: z.number().int().min(1).max(100_000).default(40),
    range: z
      .tuple([z.number(), z.number()])
      .refine(
        ([min, max]) => Number.isFinite(min) && Number.isFinite(max) && min < max,
        'range must be two finite numbers [min, max] with min < max',
      )
      .default([-1, 1]),
    folds: z.number().int().min(2).max(255).default(10),
    foldAssignment: z.enum(['stratified-shuffle', 'contiguous', 'list']).default('stratified-shuffle'),
    seed: z.number().int().default(0),
    farTargets: z.array(z.number().gt(0).lt(1)).min(1).default(defaultFarTargets),
    rocPoints: z.number().int().min(2).max(100_000).default(200),
    gapReference: z.string().nullable().default(null),
  })
  .strict();

export type VerificationOptionsInput = z.input<typeof verificationOptionsSchema>;

export function resolveVerificationOptions(input: VerificationOptionsInput = {}): VerificationOptions {
  const parsed = verificationOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? `options.${issue.path.join('.')}` : 'options';
      return `${where}: ${issue.message}`;
    });
    throw new Error(`Invalid verification options: ${problems.join('; ')}.`);
  }
  const options = parsed.data;
  return { ...options, range: [options.range[0], options.range[1]], farTargets: [...options.farTargets] };
}

/** Impostor pairs needed to report TAR at `far`: 10 / far (rounded against float noise). */
export function requiredImpostors(far: number): number {
  return Math.ceil(10 / far - 1e-6);
}
