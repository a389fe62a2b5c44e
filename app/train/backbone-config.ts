import { z } from 'zod';

// The backbone part of a stage-1 run config: the models registry's BackboneSpec as zod, so a
// config file is checked before a process starts. Ranges the registry supports are checked in
// run-checks.ts; the init seed defaults to the run's seed.

const shown = (value: unknown) => (typeof value === 'number' ? String(value) : JSON.stringify(value));
const positiveInts = (field: string) =>
  z
    .array(
      z
        .number()
        .int({ error: (iss) => `${field} must hold whole numbers, got ${shown(iss.input)}` })
        .min(1, { error: (iss) => `${field} must hold numbers >= 1, got ${shown(iss.input)}` }),
    )
    .min(1);

export const backboneNames = ['ir-lite', 'ir18', 'ir34', 'ir50'] as const;

export const backboneConfigSchema = z.strictObject({
  name: z.enum(backboneNames, {
    error: (iss) => `backbone must be one of ${backboneNames.join(', ')}, got ${shown(iss.input)}`,
  }),
  inputSize: z
    .number()
    .int({ error: (iss) => `input size must be a whole number of pixels, got ${shown(iss.input)}` })
    .optional(),
  embeddingSize: z
    .number()
    .int()
    .min(2, { error: (iss) => `embedding size must be at least 2, got ${shown(iss.input)}` })
    .optional(),
  widths: positiveInts('backbone widths').optional(),
  depths: positiveInts('backbone depths').optional(),
  dropout: z
    .number()
    .min(0)
    .lt(1, { error: (iss) => `dropout must be in [0, 1), got ${shown(iss.input)}` })
    .optional(),
  seed: z.number().int().min(0).optional(),
});
export type BackboneConfig = z.output<typeof backboneConfigSchema>;
