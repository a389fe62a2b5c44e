import { shown } from './messages.js';
import { z } from './zod.js';

// The backbone part of a run config. The input sizes, embedding sizes and stage lists a family
// supports are checked against the models registry before a run starts (with the family's range
// in the message), so they are not guessed here.

export const backboneNames = ['ir-lite', 'ir18', 'ir34', 'ir50', 'mobilefacenet'] as const;
export const backboneNameSchema = z.enum(backboneNames, {
  error: (iss) => `backbone must be one of ${backboneNames.join(', ')}, got ${shown(iss.input)}`,
});
export type BackboneName = (typeof backboneNames)[number];

const positiveInts = (field: string) =>
  z
    .array(
      z
        .number()
        .int({ error: (iss) => `${field} must hold whole numbers, got ${shown(iss.input)}` })
        .min(1, { error: (iss) => `${field} must hold numbers >= 1, got ${shown(iss.input)}` }),
    )
    .min(1);

export const backboneConfigSchema = z.strictObject({
  /** ir-lite: CPU-sized, inputs 32-64 px; ir18/34/50: insightface IResNet at 112 px (GPU); mobilefacenet: 112 px (app/models/zoo). */
  name: backboneNameSchema,
  inputSize: z
    .number()
    .int({ error: (iss) => `input size must be a whole number of pixels, got ${shown(iss.input)}` })
    .optional(),
  embeddingSize: z
    .number()
    .int()
    .min(2, { error: (iss) => `embedding size must be at least 2, got ${shown(iss.input)}` })
    .optional(),
  /** ir-lite: channel width of each stage. */
  widths: positiveInts('backbone widths').optional(),
  /** ir-lite: residual blocks per stage. */
  depths: positiveInts('backbone depths').optional(),
  dropout: z
    .number()
    .min(0)
    .lt(1, { error: (iss) => `dropout must be in [0, 1), got ${shown(iss.input)}` })
    .optional(),
  /** Weight-init seed (default: the run's seed). */
  seed: z.number().int().min(0).optional(),
});
export type BackboneConfig = z.output<typeof backboneConfigSchema>;
