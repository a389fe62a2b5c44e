import { z } from 'zod';
import { idSchema, runStatusSchema } from '../../vocabulary/index.js';
import { jobInfoSchema } from './jobs.js';
import { runHistogramsSchema } from './runs.js';

// Events pushed by the lab (IPC in Electron, the /api/events WebSocket in server mode).

export const labApiEvents = {
  /** A job moved: phase, done/total. Sent at most ~10 times a second per job. */
  'job.progress': jobInfoSchema,
  /** A job ended (completed, failed or cancelled); `result` holds the new dataset or evaluation id. */
  'job.finished': jobInfoSchema,
  /** A training step was recorded. */
  'run.progress': z.object({
    runId: idSchema,
    step: z.int().min(0),
    totalSteps: z.int().min(0),
    lr: z.number().nullable(),
    imagesPerSecond: z.number().nullable(),
    terms: z.record(z.string(), z.number()),
    /** Other scalars of the step (gradNorm, batch expectations), as in runs.metrics. */
    extras: z.record(z.string(), z.number()),
  }),
  /** New similarity histograms were recorded (every `histogramEvery` steps). */
  'run.histograms': runHistogramsSchema,
  /** A run changed status (started, completed, cancelled, failed, interrupted). */
  'run.status': z.object({
    runId: idSchema,
    status: runStatusSchema,
    step: z.int().min(0),
    backend: z.string().nullable(),
    error: z.string().nullable(),
  }),
} as const;

export type LabEventName = keyof typeof labApiEvents;
export type LabEventPayload<E extends LabEventName> = z.infer<(typeof labApiEvents)[E]>;
/** An event on the wire. */
export type LabEvent = { [E in LabEventName]: { type: E; payload: LabEventPayload<E> } }[LabEventName];
export const labEventNames = Object.keys(labApiEvents) as LabEventName[];
