import { z } from './zod.js';

// Margin heads of a run config: the head type, scale s, margin m and CurricularFace's momentum.

export const headTypes = ['softmax', 'cosface', 'arcface', 'curricularface'] as const;
export const headTypeSchema = z.enum(headTypes, {
  error: (iss) => `head type must be one of ${headTypes.join(', ')}, got ${JSON.stringify(iss.input)}`,
});
export type HeadType = (typeof headTypes)[number];

// Default margin per head (insightface / TFace): CosFace subtracts 0.35 from the cosine, ArcFace and
// CurricularFace add 0.5 rad to the angle, normalised softmax has none.
export const defaultHeadMargins: Readonly<Record<HeadType, number>> = {
  softmax: 0,
  cosface: 0.35,
  arcface: 0.5,
  curricularface: 0.5,
};

const MAX_MARGIN = Math.PI / 2;

/** A head as written (only `type` is required); parsing fills in s, tMomentum and the type's default m. */
export const headConfigSchema = z
  .strictObject({
    type: headTypeSchema,
    s: z
      .number({ error: (iss) => `head scale s must be a number, got ${JSON.stringify(iss.input)}` })
      .gt(0, { error: (iss) => `head scale s must be > 0, got ${String(iss.input)}` })
      .max(1e4, { error: (iss) => `head scale s must be <= 10000, got ${String(iss.input)}` })
      .default(64),
    m: z
      .number({ error: (iss) => `head margin m must be a number, got ${JSON.stringify(iss.input)}` })
      .min(0, { error: (iss) => `head margin m must be >= 0, got ${String(iss.input)}` })
      .lt(MAX_MARGIN, { error: (iss) => `head margin m must be < pi/2 (1.5708), got ${String(iss.input)}` })
      .optional(),
    // CurricularFace's running t: t <- tMomentum * mean(target cosine) + (1 - tMomentum) * t. The
    // CurricularFace paper uses 0.01 (TFace's copy defaults to 0.1).
    tMomentum: z
      .number({ error: (iss) => `head tMomentum must be a number, got ${JSON.stringify(iss.input)}` })
      .gt(0, { error: (iss) => `head tMomentum must be > 0, got ${String(iss.input)}` })
      .max(1, { error: (iss) => `head tMomentum must be <= 1, got ${String(iss.input)}` })
      .default(0.01),
  })
  .transform((config) => ({ ...config, m: config.m ?? defaultHeadMargins[config.type] }));

/** A head's full config: every field filled in. */
export type HeadConfig = z.output<typeof headConfigSchema>;
/** What a caller may write: only `type` is required. */
export type HeadConfigInput = z.input<typeof headConfigSchema>;
