import type { z } from 'zod';
import { trainerRunConfigSchema, type TrainerRunConfig } from '../vocabulary/index.js';

// A run config file (and a stored run's config) in the trainer's form: the schema is the lab's
// vocabulary (app/vocabulary/run-config.ts); here it is parsed into readable problems.

/** Thrown for a config a person must fix; `problems` lists every problem in words. */
export class RunConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`run config: ${problems.join('; ')}`);
    this.name = 'RunConfigError';
  }
}

/** Parses and fills in defaults; throws RunConfigError with readable problems. */
export function parseRunConfig(input: unknown): TrainerRunConfig {
  const parsed = trainerRunConfigSchema.safeParse(input);
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
