// Options of generateSynthFaces, validated with messages a person can act on.
import { z } from 'zod';
import { presetNames, type PresetName } from './presets.js';

export const MAX_IMAGES = 2_000_000;
export const DEFAULT_SEED = 1;

export interface SynthOptions {
  outDir: string;
  preset: PresetName;
  identities: number;
  perIdentity: number;
  size: number; // output images are size x size pixels
  seed?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

const whole = (name: string, min: number, max: number, why: string) =>
  z.number({ error: `${name} must be a number` }).refine((v) => Number.isInteger(v) && v >= min && v <= max, {
    error: (issue) => `${name} must be a whole number from ${min} to ${max} (${why}); got ${String(issue.input)}`,
  });

const schema = z
  .object({
    outDir: z
      .string({ error: 'outDir must be a folder path' })
      .trim()
      .min(1, { error: 'outDir is empty: give the folder to write the dataset into' }),
    preset: z.enum(presetNames, {
      error: (issue) => `preset must be one of ${presetNames.join(', ')}; got ${JSON.stringify(issue.input)}`,
    }),
    identities: whole('identities', 2, 100_000, 'impostor pairs need at least 2 people'),
    perIdentity: whole('perIdentity', 3, 10_000, 'each identity needs at least 2 easy and 1 hard image'),
    size: whole('size', 16, 1024, 'pixels per side'),
    seed: whole('seed', 0, 0xffffffff, 'a 32-bit unsigned integer').optional(),
    onProgress: z
      .custom<(done: number, total: number) => void>((v) => typeof v === 'function', {
        error: 'onProgress must be a function (done, total) => void',
      })
      .optional(),
    signal: z
      .custom<AbortSignal>((v) => v instanceof AbortSignal, { error: 'signal must be an AbortSignal' })
      .optional(),
  })
  .strict()
  .refine((o) => o.identities * o.perIdentity <= MAX_IMAGES, {
    error: `identities x perIdentity must be at most ${MAX_IMAGES.toLocaleString('en-US')} images`,
  });

/** Thrown for options a person must fix; the message lists every problem. */
export class SynthOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`SynthFaces: ${problems.join('; ')}`);
    this.name = 'SynthOptionsError';
  }
}

export type ValidSynthOptions = Omit<SynthOptions, 'seed'> & { seed: number };

export function parseSynthOptions(input: unknown): ValidSynthOptions {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new SynthOptionsError(
      parsed.error.issues.map((issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
          : issue.message,
      ),
    );
  }
  return { ...parsed.data, seed: parsed.data.seed ?? DEFAULT_SEED } as ValidSynthOptions;
}
