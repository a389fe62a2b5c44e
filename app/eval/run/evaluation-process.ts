import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { forkLauncherFor } from '../../process/fork-launcher.js';
import { workerEntry } from '../../util/worker-entry.js';
import type { RunProcessExit, RunProcessLauncher } from '../../process/process-launcher.js';
import { readLogTail } from '../../process/log-tail.js';
import type { EvaluationPhase } from './evaluate-run.js';
import {
  isEvaluationWorkerMessage,
  type EvaluationWorkerMessage,
  type EvaluationWorkerRequest,
} from './evaluation-messages.js';

// The parent's side of one evaluation process (eval-worker.ts): starts it through a
// RunProcessLauncher (fork by default; the Electron shell passes utilityProcess), relays its
// progress, and settles with the id of the evaluation it stored. Cancel (the signal) asks the
// worker to stop at its next batch, then kills it after `graceMs`.

/** child_process.fork of eval-worker.ts (source) or eval-worker.js (build), beside this module. */
export const evaluationForkLauncher: RunProcessLauncher = forkLauncherFor(() =>
  workerEntry(import.meta.url, 'eval-worker'),
);

export const defaultEvaluationGraceMs = 10_000;
const exitSettleMs = 100;

export interface EvaluationProcessOptions {
  dataDir: string;
  request: EvaluationWorkerRequest;
  launcher?: RunProcessLauncher;
  env?: Record<string, string>;
  signal?: AbortSignal;
  onProgress?: (phase: EvaluationPhase | 'writing' | 'loading', done: number, total: number | null) => void;
  /** Time the worker gets to stop by itself after a cancel before it is killed (SIGKILL). */
  graceMs?: number;
}

/** The evaluation ended without a result because it was cancelled; `forced` when it had to be killed. */
export class EvaluationCancelledError extends Error {
  constructor(readonly forced: boolean) {
    super(forced ? 'cancelled: the evaluation process was killed after the grace period' : 'cancelled by the user');
    this.name = 'EvaluationCancelledError';
  }
}

export function evaluationLogFile(dataDir: string): string {
  return join(dataDir, 'logs', 'evaluation-worker.log');
}

export async function runEvaluationProcess(options: EvaluationProcessOptions): Promise<{ evaluationId: number }> {
  return runEvaluationWorker(
    { ...options, args: ['--request', JSON.stringify(options.request)], produces: 'stored an evaluation' },
    (message) => (message.type === 'evaluation.done' ? { evaluationId: message.evaluationId } : undefined),
  );
}

export interface EvaluationWorkerOptions extends Omit<EvaluationProcessOptions, 'request'> {
  /** The worker's arguments after `--data-dir DIR` (`--request JSON`, or `--export JSON --folder DIR`). */
  args: string[];
  /** What the worker had not done when it exited early, for the error ("stored an evaluation"). */
  produces: string;
}

/**
 * One evaluation process doing what `args` ask, settled by the first message `outcome` maps to a
 * result: an evaluation here, an export in app/export's export-process.ts.
 */
export async function runEvaluationWorker<T>(
  options: EvaluationWorkerOptions,
  outcome: (message: EvaluationWorkerMessage) => T | undefined,
): Promise<T> {
  const { dataDir, signal } = options;
  if (signal?.aborted) throw new EvaluationCancelledError(false);
  const logFile = evaluationLogFile(dataDir);
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  const child = (options.launcher ?? evaluationForkLauncher).launch({
    args: ['--data-dir', dataDir, ...options.args],
    logFile,
    env: options.env,
  });
  options.onProgress?.('loading', 0, null);

  let timer: NodeJS.Timeout | undefined;
  let forced = false;
  const cancel = () => {
    child.send({ type: 'cancel' });
    timer = setTimeout(() => {
      forced = true;
      child.kill();
    }, options.graceMs ?? defaultEvaluationGraceMs);
  };
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    return await new Promise<T>((resolve, reject) => {
      let failure: string | undefined;
      child.onMessage((message) => {
        if (!isEvaluationWorkerMessage(message)) return;
        // A cancel sent while the worker was still loading may have found no listener: repeat it.
        if (message.type === 'evaluation.started' && signal?.aborted) child.send({ type: 'cancel' });
        else if (message.type === 'evaluation.progress')
          options.onProgress?.(message.phase, message.done, message.total);
        else if (message.type === 'evaluation.failed') failure = message.error;
        else {
          // Stored and committed (or written): the result exists whatever the process does next.
          const result = outcome(message);
          if (result !== undefined) resolve(result);
        }
      });
      child.onExit((exit) => {
        // An exit can be reported before the last messages are read: give them a moment.
        setTimeout(() => {
          if (signal?.aborted) reject(new EvaluationCancelledError(forced));
          else if (failure !== undefined) reject(new Error(failure));
          else reject(new Error(describeExit(exit, options.produces, readLogTail(logFile, logStart))));
        }, exitSettleMs);
      });
    });
  } finally {
    signal?.removeEventListener('abort', cancel);
    clearTimeout(timer);
  }
}

function describeExit(exit: RunProcessExit, produces: string, logTail: string): string {
  const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
  return `the evaluation process ${how} before it ${produces}${logTail ? `. Last output: ${logTail}` : ''}`;
}
