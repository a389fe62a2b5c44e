import { z } from 'zod';
import { ddlConfigSchema } from '../losses/ddl/ddl-config.js';
import { headConfigSchema } from '../losses/heads/head-config.js';
import { backboneConfigSchema } from './backbone-config.js';
import { scheduleSchema } from './schedule.js';

// A run is fully described by its config plus seed (insightface habit). Stage 1 trains the
// backbone and classifier with the margin head on all training images; stage 2 fine-tunes a
// stage-1 run's last checkpoint on DDL batches, with DDL (`objective: "ddl"`) or with
// classification only on the same batches (`"classification"`, the fair baseline).

const shown = (value: unknown) => (typeof value === 'number' ? String(value) : JSON.stringify(value));

const wholeNumber = (field: string, min: number) =>
  z
    .number({ error: (iss) => `${field} must be a number, got ${shown(iss.input)}` })
    .int({ error: (iss) => `${field} must be a whole number, got ${shown(iss.input)}` })
    .min(min, { error: (iss) => `${field} must be at least ${min}, got ${shown(iss.input)}` });

const runIdField = z
  .union([z.number(), z.string().regex(/^\d+$/)], {
    error: (iss) => `parentRunId must be a run id (a whole number), got ${shown(iss.input)}`,
  })
  .transform(Number);

const commonFields = {
  name: z.string().max(200).optional(),
  /** Margin head; stage 2 defaults to its parent's head. */
  head: headConfigSchema.optional(),
  /** Stage 1: images per batch. Stage 2: items per DDL branch (b), so 6b images per step. */
  batchSize: wholeNumber('batch size', 2).max(4096, {
    error: (iss) => `batch size must be at most 4096, got ${shown(iss.input)}`,
  }),
  steps: wholeNumber('steps', 1),
  lr: z
    .number({ error: (iss) => `learning rate must be a number, got ${shown(iss.input)}` })
    .gt(0, { error: (iss) => `learning rate must be positive, got ${shown(iss.input)}` })
    .max(10, { error: (iss) => `learning rate must be at most 10, got ${shown(iss.input)}` }),
  momentum: z
    .number()
    .min(0, { error: (iss) => `momentum must be in [0, 1), got ${shown(iss.input)}` })
    .lt(1, { error: (iss) => `momentum must be in [0, 1), got ${shown(iss.input)}` })
    .default(0.9),
  /** On conv / FC / classifier weights only, never on BatchNorm. */
  weightDecay: z
    .number()
    .min(0, { error: (iss) => `weight decay must be >= 0, got ${shown(iss.input)}` })
    .default(5e-4),
  /** Global gradient-norm clip (insightface: 5); 0 turns it off. */
  clipGradNorm: z
    .number()
    .min(0, { error: (iss) => `clipGradNorm must be >= 0 (0 = off), got ${shown(iss.input)}` })
    .default(5),
  schedule: scheduleSchema.default({ kind: 'constant', warmupSteps: 0 }),
  seed: wholeNumber('seed', 0)
    .max(2 ** 31 - 1)
    .default(1),
  /** Random horizontal flips of training images. */
  flip: z.boolean().default(true),
  /** Similarity histograms every N steps (stage 2). */
  histogramEvery: wholeNumber('histogramEvery', 1).default(10),
  checkpointEvery: wholeNumber('checkpointEvery', 1).default(100),
  /** How many of the newest checkpoints to keep (older ones are deleted; the final one is the newest). */
  keepCheckpoints: wholeNumber('keepCheckpoints', 1).default(2),
};

export const stage1ConfigSchema = z.strictObject({
  stage: z.literal(1),
  backbone: backboneConfigSchema,
  ...commonFields,
});

export const stage2ConfigSchema = z.strictObject({
  stage: z.literal(2),
  /** The stage-1 run whose last checkpoint is fine-tuned. */
  parentRunId: runIdField,
  /** Which of the parent's checkpoints; filled in with its latest when the run is created. */
  parentCheckpointStep: z.number().int().min(0).optional(),
  /** Inherited from the parent (filled in when the run is created); if given, it must match. */
  backbone: backboneConfigSchema.optional(),
  objective: z
    .enum(['ddl', 'classification'], {
      error: (iss) => `objective must be "ddl" or "classification", got ${shown(iss.input)}`,
    })
    .default('ddl'),
  ddl: ddlConfigSchema.default(ddlConfigSchema.parse({})),
  ...commonFields,
});

export const runConfigSchema = z
  .preprocess(
    (input) => (typeof input === 'object' && input !== null && !('stage' in input) ? { ...input, stage: 1 } : input),
    z.discriminatedUnion('stage', [stage1ConfigSchema, stage2ConfigSchema], {
      error: (iss) => `stage must be 1 or 2, got ${shown((iss.input as { stage?: unknown } | undefined)?.stage)}`,
    }),
  )
  .superRefine((config, ctx) => {
    if (config.schedule.warmupSteps >= config.steps) {
      ctx.addIssue({
        code: 'custom',
        path: ['schedule', 'warmupSteps'],
        message: `warm-up (${config.schedule.warmupSteps} steps) must be shorter than the run (${config.steps} steps)`,
      });
    }
    if (config.schedule.kind === 'step') {
      const late = config.schedule.milestones.filter((m) => m >= config.steps);
      if (late.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['schedule', 'milestones'],
          message: `milestones ${late.join(', ')} are not before the last step (${config.steps})`,
        });
    }
  });

export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.output<typeof runConfigSchema>;
export type Stage1Config = z.output<typeof stage1ConfigSchema>;
export type Stage2Config = z.output<typeof stage2ConfigSchema>;

/** Thrown for a config a person must fix; `problems` lists every problem in words. */
export class RunConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`run config: ${problems.join('; ')}`);
    this.name = 'RunConfigError';
  }
}

/** Parses and fills in defaults; throws RunConfigError with readable problems. */
export function parseRunConfig(input: unknown): RunConfig {
  const parsed = runConfigSchema.safeParse(input);
  if (!parsed.success) throw new RunConfigError(parsed.error.issues.map(describeIssue));
  return parsed.data;
}

// Field names as our messages spell them, so a message that already names its field gets no prefix.
const spokenNames: Record<string, string> = {
  lr: 'learning rate',
  batchSize: 'batch size',
  inputSize: 'input size',
  embeddingSize: 'embedding size',
  weightDecay: 'weight decay',
  name: 'backbone',
  warmupSteps: 'warm-up',
};

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const where = path.length > 0 ? ` in ${path.join('.')}` : '';
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${where}`;
  }
  const leaf = path[path.length - 1];
  if (leaf === undefined) return issue.message;
  const names = (key: string) => issue.message.includes(key) || issue.message.includes(spokenNames[key] ?? '\u0000');
  if (!names(leaf)) return `${path.join('.')}: ${issue.message}`;
  const parent = path.slice(0, -1).filter((p) => !/^\d+$/.test(p));
  return parent.length > 0 && !names(parent[parent.length - 1] as string)
    ? `${parent.join('.')}: ${issue.message}`
    : issue.message;
}
