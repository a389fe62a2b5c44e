import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LabDatabase } from '../store/db.js';
import { latestCheckpoint } from '../store/runs-checkpoints.js';
import { finishRun, getRunRecord, requestRunCancel, type RunRecord } from '../store/runs-repository.js';
import { describeWriteError } from '../store/write-errors.js';
import { runDirectory } from './checkpoint-files.js';
import { isRunEvent, type RunEvent } from './events.js';
import { forkLauncher } from './fork-launcher.js';
import { readLogTail } from '../process/log-tail.js';
import type { RunProcessExit, RunProcessLauncher } from '../process/process-launcher.js';
import { runWorkerEnvMarker } from './process-liveness.js';

// The parent's side of one run process: starts it, relays its events, and has the last word
// when it dies without writing its own (killed, crashed, out of memory): the run becomes
// `interrupted`, resumable from its last checkpoint. Cancel is graceful, then forced.

export interface RunHandle {
  readonly runId: number;
  readonly pid: number | undefined;
  /**
   * Settles with the run record when the process has exited: its final status, or still `running`
   * when that status could not be written (a full disk; it is retried in the background).
   */
  readonly done: Promise<RunRecord>;
  /** Stop after the current step (checkpoint, status `cancelled`); SIGKILL after `graceMs`. */
  cancel(options?: { graceMs?: number }): Promise<RunRecord>;
  /** Like cancel, but the run ends `interrupted` (for app shutdown: resume it later). */
  suspend(options?: { graceMs?: number }): Promise<RunRecord>;
}

export interface SuperviseOptions {
  launcher?: RunProcessLauncher;
  onEvent?: (event: RunEvent) => void;
  env?: Record<string, string>;
  /** Problems of the supervisor itself (default: stderr). */
  log?: (message: string) => void;
}

export const defaultCancelGraceMs = 60_000;
/** First retry of a final status that could not be written, doubling up to the maximum. */
export const finalWordRetryMs = 1000;
const finalWordRetryMaxMs = 30_000;

export function workerLogFile(dataDir: string, runId: number): string {
  return join(runDirectory(dataDir, runId), 'worker.log');
}

export function superviseRun(
  db: LabDatabase,
  dataDir: string,
  runId: number,
  options: SuperviseOptions = {},
): RunHandle {
  const launcher = options.launcher ?? forkLauncher;
  const logFile = workerLogFile(dataDir, runId);
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const child = launcher.launch({
    args: ['--data-dir', dataDir, '--run', String(runId)],
    logFile,
    // The marker lets start-up recovery tell this worker from a process that got its pid later.
    env: { ...options.env, [runWorkerEnvMarker]: String(runId) },
  });
  let forcedTo: 'cancelled' | 'interrupted' | undefined;
  let exited = false;

  child.onMessage((message) => {
    if (isRunEvent(message) && message.runId === runId) options.onEvent?.(message);
  });

  // The final word after an exit without one. A failed write (SQLITE_FULL on a full disk) must not
  // take the supervising process down: it is logged and retried until it lands; start-up
  // recovery also catches the run, its pid being dead.
  const writeFinalWord = (exit: RunProcessExit, logTail: string): boolean => {
    try {
      const before = getRunRecord(db, runId);
      if (!before || (before.status !== 'running' && before.status !== 'queued')) return true;
      const status = forcedTo ?? (before.status === 'queued' && exit.code !== 0 ? 'failed' : 'interrupted');
      const error = forcedTo
        ? `stopped by force: the run process did not stop within the grace period${lastCheckpointText(db, runId)}`
        : describeExit(before, exit, logTail, lastCheckpointText(db, runId));
      if (finishRun(db, runId, status, error)) {
        options.onEvent?.({ type: 'run.status', runId, status, step: before.lastStep, backend: before.backend, error });
      }
      return true;
    } catch (failure) {
      log(`run ${runId}: could not record how its process ended (${describeWriteError(failure)}); trying again`);
      return false;
    }
  };
  const retryFinalWord = (exit: RunProcessExit, logTail: string, delayMs: number) => {
    const timer = setTimeout(() => {
      if (!db.open) return; // the app closed its database: start-up recovery settles the run
      if (writeFinalWord(exit, logTail)) log(`run ${runId}: its final status is recorded now`);
      else retryFinalWord(exit, logTail, Math.min(delayMs * 2, finalWordRetryMaxMs));
    }, delayMs);
    timer.unref(); // never keeps the process alive; start-up recovery is the last resort
  };

  const lastSeen = getRunRecord(db, runId); // what `done` gives when the database closed before the exit
  const done = new Promise<RunRecord>((resolve) => {
    child.onExit((exit) => {
      exited = true;
      const logTail = readLogTail(logFile, logStart);
      if (!writeFinalWord(exit, logTail)) retryFinalWord(exit, logTail, finalWordRetryMs);
      // Still `running` when the write failed: the retries (or start-up recovery) settle it.
      // A closed database (the app shut down meanwhile) must not throw from this exit handler.
      resolve((db.open ? getRunRecord(db, runId) : lastSeen) as RunRecord);
    });
  });

  const stop =
    (command: 'cancel' | 'suspend') =>
    async ({ graceMs = defaultCancelGraceMs } = {}) => {
      if (!exited) {
        if (command === 'cancel') requestRunCancel(db, runId);
        child.send({ type: command });
        const timer = setTimeout(() => {
          forcedTo = command === 'cancel' ? 'cancelled' : 'interrupted';
          child.kill();
        }, graceMs);
        try {
          return await done;
        } finally {
          clearTimeout(timer);
        }
      }
      return done;
    };

  return { runId, pid: child.pid, done, cancel: stop('cancel'), suspend: stop('suspend') };
}

function lastCheckpointText(db: LabDatabase, runId: number): string {
  const checkpoint = latestCheckpoint(db, runId);
  return checkpoint ? `; its last checkpoint is step ${checkpoint.step}` : '; it has no checkpoint yet';
}

function describeExit(run: RunRecord, exit: RunProcessExit, logTail: string, checkpoint: string): string {
  const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
  const where = run.status === 'queued' ? 'before it started training' : `at step ${run.lastStep} of ${run.totalSteps}`;
  const tail = logTail ? `. Last output: ${logTail}` : '';
  return `the run process ${how} ${where}${checkpoint}${tail}`;
}

/** The last few lines the worker printed in this attempt, on one line. */
