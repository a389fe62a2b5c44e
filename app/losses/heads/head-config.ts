import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

export const headTypes = ['softmax', 'cosface', 'arcface', 'curricularface'] as const;
export type HeadType = (typeof headTypes)[number];

// Default margin per head (insightface / TFace): CosFace subtracts 0.35 from the cosine, ArcFace and
// CurricularFace add 0.5 rad to the angle, normalised softmax has none.
export const defaultMargins: Record<HeadType, number> = {
  softmax: 0,
  cosface: 0.35,
  arcface: 0.5,
  curricularface: 0.5,
};

const MAX_MARGIN = Math.PI / 2;

export const headConfigSchema = z
  .object({
    type: z.enum(headTypes, {
      error: (iss) => `head type must be one of ${headTypes.join(', ')}, got ${JSON.stringify(iss.input)}`,
    }),
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
  .strict()
  .transform((config) => ({ ...config, m: config.m ?? defaultMargins[config.type] }));

/** A head's full config: every field filled in. */
export type HeadConfig = z.output<typeof headConfigSchema>;
/** What a caller may write: only `type` is required. */
export type HeadConfigInput = z.input<typeof headConfigSchema>;

/** Maps embeddings to (margin-adjusted, scaled) cosine logits; the cross-entropy is separate. */
export interface MarginHead {
  readonly config: HeadConfig;
  /**
   * embeddings [batch, embDim] (raw, normalised inside), classWeights [embDim, classes] (raw,
   * normalised per column), labels [batch] int32. `training` lets stateful heads update their state.
   */
  logits(embeddings: tf.Tensor2D, classWeights: tf.Tensor2D, labels: tf.Tensor1D, training: boolean): tf.Tensor2D;
  /** Plain numbers to store in a checkpoint (empty for stateless heads). */
  state(): Record<string, number>;
  restore(state: Record<string, number>): void;
  /** Frees any tensors the head owns. */
  dispose(): void;
}
