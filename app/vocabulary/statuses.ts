import { z } from './zod.js';

// The life cycles the store records and the API reports.

export const runStatuses = ['queued', 'running', 'completed', 'cancelled', 'failed', 'interrupted'] as const;
export const runStatusSchema = z.enum(runStatuses);
export type RunStatus = (typeof runStatuses)[number];

export const evaluationStatuses = ['running', 'completed', 'failed', 'cancelled'] as const;
export const evaluationStatusSchema = z.enum(evaluationStatuses);
export type EvaluationStatus = (typeof evaluationStatuses)[number];

/** false-reject: a genuine pair scored below the threshold; false-accept: an impostor pair at or above it. */
export const failureKinds = ['false-reject', 'false-accept'] as const;
export const failureKindSchema = z.enum(failureKinds);
export type FailureKind = (typeof failureKinds)[number];
