import type { RunStatus } from '../store/runs-repository.js';
import type { HistogramRecord } from '../store/runs-series.js';

// Messages between a run process and its supervisor. The worker has already written each of
// these facts to SQLite when it sends the event: events are for live display, the database is
// the record.

/** Loss terms, by the names charts and the API use. Stage 1: cls, total. Stage 2: clsEasy, clsHard, posKL, negKL, order, total. */
export const lossTermNames = ['cls', 'clsEasy', 'clsHard', 'posKL', 'negKL', 'order', 'total'] as const;
export type LossTermName = (typeof lossTermNames)[number];

/**
 * Other per-step series: learning rate, throughput (moving average), seconds of training so far
 * (summed over resumes), gradient norm before clipping; in stage 2 also the DDL total (recorded
 * even when the objective is classification only), the batch's four similarity expectations and
 * how many positive pairs passed positiveThreshold in each branch.
 */
export const stepMetricNames = [
  'lr',
  'imagesPerSecond',
  'time',
  'gradNorm',
  'ddl',
  'teacherPosMean',
  'teacherNegMean',
  'studentPosMean',
  'studentNegMean',
  'teacherPosKept',
  'studentPosKept',
] as const;
export type StepMetricName = (typeof stepMetricNames)[number];

export interface RunStatusEvent {
  type: 'run.status';
  runId: number;
  status: RunStatus;
  step: number;
  backend: string | null;
  error: string | null;
}

export interface RunProgressEvent {
  type: 'run.progress';
  runId: number;
  step: number;
  totalSteps: number;
  lr: number;
  imagesPerSecond: number;
  /** Loss terms of this step (see lossTermNames). */
  terms: Partial<Record<LossTermName, number>>;
  /** Everything recorded for this step, terms included, by metric name. */
  metrics: Record<string, number>;
}

export interface RunHistogramsEvent {
  type: 'run.histograms';
  runId: number;
  step: number;
  histograms: HistogramRecord[];
}

export interface RunCheckpointEvent {
  type: 'run.checkpoint';
  runId: number;
  step: number;
  path: string;
}

export interface RunLogEvent {
  type: 'run.log';
  runId: number;
  level: 'info' | 'warn';
  message: string;
}

export type RunEvent = RunStatusEvent | RunProgressEvent | RunHistogramsEvent | RunCheckpointEvent | RunLogEvent;

/**
 * Supervisor -> worker: stop after the current step and checkpoint. `cancel` ends the run as
 * `cancelled` (the user asked); `suspend` ends it as `interrupted` (the app is quitting; resume later).
 */
export interface WorkerCommand {
  type: 'cancel' | 'suspend';
}

const eventTypes = new Set<string>(['run.status', 'run.progress', 'run.histograms', 'run.checkpoint', 'run.log']);

export function isRunEvent(message: unknown): message is RunEvent {
  return (
    typeof message === 'object' &&
    message !== null &&
    eventTypes.has((message as { type?: unknown }).type as string) &&
    typeof (message as { runId?: unknown }).runId === 'number'
  );
}

export function isWorkerCommand(message: unknown): message is WorkerCommand {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return type === 'cancel' || type === 'suspend';
}
