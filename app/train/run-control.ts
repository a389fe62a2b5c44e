import type { LabDatabase } from '../store/db.js';
import { latestCheckpoint } from '../store/runs-checkpoints.js';
import { isExternalRun } from '../store/runs-executor.js';
import { finishRun, getRunRecord, listRunRecords, requestRunCancel, type RunRecord } from '../store/runs-repository.js';
import { describeWriteError } from '../store/write-errors.js';
import { isRunWorkerAlive } from './process-liveness.js';

// Run bookkeeping that works from any process, through the database alone: start-up recovery
// of runs whose process died, and cancelling a run that another process supervises.

/**
 * Marks `interrupted` every run left `running` whose process is gone (a crash, a kill, a reboot),
 * or whose pid now belongs to another process (pid reuse). Call on start-up, before showing runs.
 * Returns the runs it changed. A write that fails (a full disk) is logged and left for the next
 * start-up: the run stays `running` meanwhile, and nothing else is lost.
 */
export function recoverInterruptedRuns(
  db: LabDatabase,
  isAlive: (pid: number, runId: number) => boolean = isRunWorkerAlive,
  log: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
): RunRecord[] {
  const changed: RunRecord[] = [];
  for (const run of listRunRecords(db, { status: ['running'] })) {
    if (run.pid !== null && isAlive(run.pid, run.id)) continue;
    if (isExternalRun(db, run.id)) continue; // a Slurm job: its executor follows it, not a local pid
    const error = goneProcessMessage(db, run);
    try {
      if (finishRun(db, run.id, 'interrupted', error, ['running'])) changed.push(getRunRecord(db, run.id) as RunRecord);
    } catch (failure) {
      log(
        `could not mark run ${run.id} interrupted (${describeWriteError(failure)}); it is tried again at the next start-up`,
      );
    }
  }
  return changed;
}

function goneProcessMessage(db: LabDatabase, run: RunRecord): string {
  const checkpoint = latestCheckpoint(db, run.id);
  return (
    `the run process${run.pid !== null ? ` (pid ${run.pid})` : ''} is gone: it crashed or was killed at step ${run.lastStep} of ${run.totalSteps}; ` +
    (checkpoint
      ? `resume continues from its last checkpoint, step ${checkpoint.step}`
      : 'it has no checkpoint, so resume starts it again')
  );
}

/**
 * A run as it stands now, without writing (read-only opens): one left `running` by a process that
 * is gone reads as `interrupted`, with the reason recovery would record.
 */
export function runAsSeenNow(
  db: LabDatabase,
  run: RunRecord,
  isAlive: (pid: number, runId: number) => boolean = isRunWorkerAlive,
): RunRecord {
  if (run.status !== 'running' || (run.pid !== null && isAlive(run.pid, run.id))) return run;
  if (isExternalRun(db, run.id)) return run;
  return { ...run, status: 'interrupted', error: goneProcessMessage(db, run) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Cancels a run supervised elsewhere (another CLI, the app): sets the database flag its process
 * polls every step, waits up to `graceMs` for it to stop, then SIGKILLs the recorded pid.
 */
export async function cancelRunEverywhere(
  db: LabDatabase,
  runId: number,
  options: { graceMs?: number; pollMs?: number } = {},
): Promise<RunRecord> {
  const { graceMs = 60_000, pollMs = 200 } = options;
  const run = getRunRecord(db, runId);
  if (!run) throw new Error(`no run with id ${runId}`);
  if (run.status !== 'queued' && run.status !== 'running') return run;
  requestRunCancel(db, runId);
  if (run.status === 'queued' && run.pid === null) {
    // No process has taken it yet; one that starts later sees the final status and stops.
    finishRun(db, runId, 'cancelled', 'cancelled before it started', ['queued']);
    return getRunRecord(db, runId) as RunRecord;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    const now = getRunRecord(db, runId) as RunRecord;
    if (now.status !== 'running' && now.status !== 'queued') return now;
    if (now.pid !== null && !isRunWorkerAlive(now.pid, runId)) break;
    await sleep(pollMs);
  }
  const last = getRunRecord(db, runId) as RunRecord;
  if (last.status !== 'running' && last.status !== 'queued') return last;
  if (last.pid !== null && isRunWorkerAlive(last.pid, runId)) {
    try {
      process.kill(last.pid, 'SIGKILL');
    } catch {
      /* it exited meanwhile */
    }
  }
  const checkpoint = latestCheckpoint(db, runId);
  finishRun(
    db,
    runId,
    'cancelled',
    `stopped by force: the run process did not stop within ${Math.round(graceMs / 1000)} s` +
      (checkpoint ? `; its last checkpoint is step ${checkpoint.step}` : ''),
  );
  return getRunRecord(db, runId) as RunRecord;
}
