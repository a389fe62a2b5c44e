import type { LossTermName, RunStatus } from '../vocabulary/index.js';
import type { HistogramRecord } from '../store/runs-series.js';

// Messages between a run process and its supervisor. The worker has already written each of
// these facts to SQLite when it sends the event: events are for live display, the database is
// the record.

// The names of the recorded loss terms and step metrics are the lab's vocabulary.
export { lossTermNames, stepMetricNames, type LossTermName, type StepMetricName } from '../vocabulary/index.js';

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
const eventTypes = new Set<string>(['run.status', 'run.progress', 'run.histograms', 'run.checkpoint', 'run.log']);

export function isRunEvent(message: unknown): message is RunEvent {
  return (
    typeof message === 'object' &&
    message !== null &&
    eventTypes.has((message as { type?: unknown }).type as string) &&
    typeof (message as { runId?: unknown }).runId === 'number'
  );
}

export { isWorkerCommand, type WorkerCommand } from '../process/worker-command.js';
