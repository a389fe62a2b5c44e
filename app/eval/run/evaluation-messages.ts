import { z } from 'zod';
import { classifierInitSchema, pretrainedModelSchema } from '../../vocabulary/index.js';
import type { EvaluationPhase } from './evaluate-run.js';

// What goes between an evaluation process (eval-worker.ts) and its parent (evaluation-process.ts).
// The worker stores the evaluation in SQLite itself; the messages are for progress and the outcome.

/** What to evaluate: evaluateRun's options that travel as the worker's `--request` JSON. */
export interface EvaluationWorkerRequest {
  runId: number;
  pairListId: number;
  checkpointStep?: number;
  flipTest?: boolean;
  threshold?: number;
}

export type EvaluationWorkerMessage =
  | { type: 'evaluation.started'; pid: number }
  | { type: 'evaluation.progress'; phase: EvaluationPhase | 'writing'; done: number; total: number | null }
  | { type: 'evaluation.done'; evaluationId: number }
  /** An export computed from the checkpoint (app/export's computeExport): its files, in its folder. */
  | { type: 'export.done'; files: Array<{ fileName: string; mimeType: string }> }
  /** A pretrained run found or made (app/train's pretrainedRun). */
  | { type: 'pretrained.done'; runId: number; created: boolean }
  /** A dataset's embeddings written to the `--out` file (embeddings-file.ts). */
  | { type: 'embed.done' }
  | { type: 'evaluation.failed'; error: string }
  | { type: 'evaluation.cancelled' };

const messageTypes = new Set([
  'evaluation.started',
  'evaluation.progress',
  'evaluation.done',
  'export.done',
  'pretrained.done',
  'embed.done',
  'evaluation.failed',
  'evaluation.cancelled',
]);

export function isEvaluationWorkerMessage(message: unknown): message is EvaluationWorkerMessage {
  return (
    typeof message === 'object' && message !== null && messageTypes.has((message as { type?: unknown }).type as string)
  );
}

/** The worker's `--request` argument, checked: every id a whole number, the options of the right type. */
export function parseEvaluationRequest(text: string): EvaluationWorkerRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`--request is not JSON: ${text.slice(0, 80)}`);
  }
  const r = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const wholeNumber = (key: string, optional: boolean) => {
    if (optional && r[key] === undefined) return;
    if (!Number.isInteger(r[key]))
      throw new Error(`--request.${key} is ${JSON.stringify(r[key])}; expected a whole number.`);
  };
  wholeNumber('runId', false);
  wholeNumber('pairListId', false);
  wholeNumber('checkpointStep', true);
  if (r.flipTest !== undefined && typeof r.flipTest !== 'boolean')
    throw new Error(`--request.flipTest is ${JSON.stringify(r.flipTest)}; expected true or false.`);
  if (r.threshold !== undefined && typeof r.threshold !== 'number')
    throw new Error(`--request.threshold is ${JSON.stringify(r.threshold)}; expected a number.`);
  return r as unknown as EvaluationWorkerRequest;
}

/** The worker's `--pretrained` argument: app/train's pretrainedRun request (the dataset's identity count as `classes`). */
const pretrainedRunRequestSchema = z.strictObject({
  model: pretrainedModelSchema,
  datasetId: z.int().min(1),
  classes: z.int().min(1),
  classifierInit: classifierInitSchema.optional(),
  centre: z.boolean().optional(),
});
export type PretrainedRunWorkerRequest = z.infer<typeof pretrainedRunRequestSchema>;

export function parsePretrainedRunRequest(text: string): PretrainedRunWorkerRequest {
  return parsedArgument('--pretrained', pretrainedRunRequestSchema, text);
}

/** A JSON argument checked against its schema; the error names the argument, field and problem. */
function parsedArgument<T>(name: string, schema: z.ZodType<T>, text: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${name} is not JSON: ${text.slice(0, 80)}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** The worker's `--embed` argument: a dataset embedded under one checkpoint of a run. */
const embedRequestSchema = z.strictObject({
  runId: z.int().min(1),
  checkpointStep: z.int().min(0),
  datasetId: z.int().min(1),
  flipTest: z.boolean(),
});
export type EmbedWorkerRequest = z.infer<typeof embedRequestSchema>;

export function parseEmbedRequest(text: string): EmbedWorkerRequest {
  return parsedArgument('--embed', embedRequestSchema, text);
}
