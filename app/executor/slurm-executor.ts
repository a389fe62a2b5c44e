import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { LabDatabase } from '../store/db.js';
import { latestCheckpoint } from '../store/runs-checkpoints.js';
import {
  applyExternalRunState,
  getRunExecution,
  listExternalRunsInFlight,
  runStepMetrics,
  setRunExecution,
  setRunJobState,
  type ExternalRunState,
} from '../store/runs-executor.js';
import { getRunRecord, requeueRun, resumableStatuses, type RunRecord } from '../store/runs-repository.js';
import type { RunProgressEvent } from '../train/events.js';
import { lossTermNames, type LossTermName } from '../vocabulary/index.js';
import { createBundle } from './bundle-create.js';
import { importBundle } from './bundle-import.js';
import { bundlePaths, readBundleStatus, readSubmission, writeFileAtomic, type BundleStatus } from './bundle-layout.js';
import type { ExecutorJob, RunExecutor } from './run-executor.js';
import { slurmCommands, type SlurmCommands } from './slurm-commands.js';
import { slurmScript } from './slurm-script.js';
import { checkSlurmSettings, type SlurmSettings } from './slurm-settings.js';

// Runs as Slurm batch jobs working on run bundles (bundle-layout.ts). The lab never shares its
// SQLite with a job: it writes the bundle, submits, polls squeue/scontrol (sacct where accounting
// exists) and the bundle's status.json, and imports the bundle's series and checkpoints into its
// own database as they come (idempotently). Everything it needs to follow a job is in the runs
// table (executor, job id, bundle), so a restarted lab picks its jobs up again (`follow`).

// What the command line needs of the runs table, so main/ imports no app/store module.
export { getRunExecution, listExternalRunsInFlight } from '../store/runs-executor.js';
export { getRunRecord, type RunRecord } from '../store/runs-repository.js';

const liveJobStates = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'REQUEUED', 'RESIZING', 'SUSPENDED']);
const finalStatuses = new Set(['completed', 'cancelled', 'failed', 'interrupted']);

export class SlurmExecutor implements RunExecutor {
  readonly name = 'slurm' as const;
  private readonly settings: SlurmSettings;
  private readonly followers = new Map<number, Promise<RunRecord>>();
  private stopped = new AbortController();
  private readonly progressListeners = new Set<(event: RunProgressEvent) => void>();

  constructor(
    private readonly db: LabDatabase,
    private readonly dataDir: string,
    settings: SlurmSettings,
    private readonly commands: SlurmCommands = slurmCommands,
  ) {
    this.settings = checkSlurmSettings({ ...settings, sharedDir: resolve(settings.sharedDir) });
  }

  /** The folder the bundles go to. */
  get sharedDir(): string {
    return this.settings.sharedDir;
  }

  async start(runIds: number[], options: { env?: Record<string, string> } = {}): Promise<ExecutorJob[]> {
    if (runIds.length === 0) return [];
    for (const id of runIds) {
      const run = getRunRecord(this.db, id);
      if (!run) throw new Error(`no run with id ${id}`);
      if (run.status !== 'queued') throw new Error(`run ${id} is ${run.status}; only a queued run can be submitted`);
    }
    const bundles: string[] = [];
    for (const id of runIds) bundles.push((await createBundle(this.db, this.dataDir, id, this.settings.sharedDir)).dir);
    const first = getRunRecord(this.db, runIds[0]!) as RunRecord;
    const jobId = await this.submit(
      runIds.length > 1 ? `ddl-lab-runs-${runIds[0]}-${runIds.at(-1)}` : `ddl-lab-run-${first.id}`,
      bundles,
      options.env,
    );
    runIds.forEach((runId, i) => {
      const id = runIds.length > 1 ? `${jobId}_${i}` : jobId;
      setRunExecution(this.db, runId, { executor: 'slurm', jobId: id, jobState: 'PENDING', bundleDir: bundles[i] });
    });
    return runIds.map((runId) => ({ runId, done: this.follow(runId) }));
  }

  async resume(runId: number): Promise<ExecutorJob> {
    await resumeSlurmRun(this.db, runId, this.commands);
    return { runId, done: this.follow(runId) };
  }

  async cancel(runId: number): Promise<RunRecord> {
    await cancelSlurmRun(this.db, runId, this.commands);
    return this.follow(runId);
  }

  /** Polls the run's job and bundle until the run ends, importing as it goes; one follower per run. */
  follow(runId: number): Promise<RunRecord> {
    let follower = this.followers.get(runId);
    if (!follower) {
      follower = this.poll(runId).finally(() => this.followers.delete(runId));
      this.followers.set(runId, follower);
    }
    return follower;
  }

  /** After a restart: follow every Slurm run the lab still has queued or running. */
  followAll(): ExecutorJob[] {
    return listExternalRunsInFlight(this.db, 'slurm').map((e) => ({ runId: e.runId, done: this.follow(e.runId) }));
  }

  /** One look at the run: job state, bundle import, the run's status. */
  refresh(runId: number): Promise<RunRecord> {
    return refreshSlurmRun(this.db, this.dataDir, runId, this.commands);
  }

  /**
   * Live progress of the followed runs: at each poll that imported new steps, the newest step as a
   * `run.progress` event (the same shape local runs send; steps between two polls are in the rows).
   */
  subscribe(listener: (event: RunProgressEvent) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  private reportProgress(run: RunRecord): void {
    if (this.progressListeners.size === 0) return;
    const metrics = runStepMetrics(this.db, run.id, run.lastStep);
    const terms: Partial<Record<LossTermName, number>> = {};
    for (const name of lossTermNames) if (metrics[name] !== undefined) terms[name] = metrics[name];
    const event: RunProgressEvent = {
      type: 'run.progress',
      runId: run.id,
      step: run.lastStep,
      totalSteps: run.totalSteps,
      lr: metrics.lr ?? Number.NaN,
      imagesPerSecond: metrics.imagesPerSecond ?? 0,
      terms,
      metrics,
    };
    for (const listener of this.progressListeners) listener(event);
  }

  /**
   * Stops following (the jobs keep running on the cluster): every follower resolves with its run
   * as last seen, queued or running; a later follow() picks the runs up again.
   */
  stopFollowing(): void {
    this.stopped.abort();
    this.stopped = new AbortController();
  }

  private async poll(runId: number): Promise<RunRecord> {
    const pollMs = (this.settings.pollSeconds ?? 5) * 1000;
    const { signal } = this.stopped;
    let seen = getRunRecord(this.db, runId)?.lastStep ?? 0;
    for (;;) {
      const run = await this.refresh(runId);
      if (run.lastStep > seen) {
        seen = run.lastStep;
        this.reportProgress(run);
      }
      if (finalStatuses.has(run.status) || signal.aborted) return run;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', wake);
          resolve();
        }, pollMs);
        signal.addEventListener('abort', wake, { once: true });
      });
      if (signal.aborted) return getRunRecord(this.db, runId) as RunRecord;
    }
  }

  /** Each bundle gets its own job.sh (what a resubmission runs); several go as one array job. */
  private async submit(name: string, bundles: string[], env: Record<string, string> = {}): Promise<string> {
    const logDir = join(this.settings.sharedDir, 'jobs');
    mkdirSync(logDir, { recursive: true });
    for (const dir of bundles) {
      const own = slurmScript(this.settings, { name: `ddl-lab-${basename(dir)}`, bundles: [dir], logDir }, env);
      writeFileSync(bundlePaths(dir).script, own, { mode: 0o755 });
      markSubmission(dir);
    }
    if (bundles.length === 1) return this.commands.submit(bundlePaths(bundles[0]!).script, this.settings.sharedDir);
    const arrayScript = join(logDir, `${name}.sh`);
    writeFileSync(arrayScript, slurmScript(this.settings, { name, bundles, logDir }, env), { mode: 0o755 });
    return this.commands.submit(arrayScript, this.settings.sharedDir);
  }
}

/** A status.json left by an earlier attempt is not the coming submission's final word. */
function markSubmission(dir: string): void {
  const attemptsBefore = readBundleStatus(dir)?.attempt ?? 0;
  writeFileAtomic(bundlePaths(dir).submission, `${JSON.stringify({ attemptsBefore })}\n`);
}

/**
 * Resubmits an interrupted, cancelled or failed Slurm run's bundle (its job.sh, with the settings
 * of its first submission): the worker continues from the bundle's newest checkpoint.
 */
export async function resumeSlurmRun(
  db: LabDatabase,
  runId: number,
  commands: SlurmCommands = slurmCommands,
): Promise<void> {
  const run = getRunRecord(db, runId);
  const execution = getRunExecution(db, runId);
  if (!run || execution?.executor !== 'slurm' || !execution.bundleDir)
    throw new Error(`run ${runId} is not a Slurm run with a bundle`);
  if (!resumableStatuses.includes(run.status))
    throw new Error(`run ${runId} is ${run.status}; only ${resumableStatuses.join(', ')} runs can be resumed`);
  const dir = execution.bundleDir;
  if (!existsSync(bundlePaths(dir).script))
    throw new Error(`the bundle ${dir} of run ${runId} has no job.sh (was the shared folder cleaned?)`);
  if (!requeueRun(db, runId)) throw new Error(`run ${runId} changed status meanwhile; try again`);
  rmSync(bundlePaths(dir).cancelRequested, { force: true });
  markSubmission(dir);
  const jobId = await commands.submit(bundlePaths(dir).script, dirname(dir));
  setRunExecution(db, runId, { executor: 'slurm', jobId, jobState: 'PENDING', bundleDir: dir });
}

/**
 * The lab's view of a Slurm run from the scheduler and the bundle: imports the bundle and writes
 * the run's status. Needs no settings (the runs table has the job id and the bundle), so any lab
 * process (the app after a restart, `ddl-lab serve`) can refresh a run another process submitted.
 */
export async function refreshSlurmRun(
  db: LabDatabase,
  dataDir: string,
  runId: number,
  commands: SlurmCommands = slurmCommands,
): Promise<RunRecord> {
  const execution = getRunExecution(db, runId);
  const run = getRunRecord(db, runId);
  if (!run || !execution || execution.executor !== 'slurm' || !execution.jobId || !execution.bundleDir)
    throw new Error(`run ${runId} is not a submitted Slurm run`);
  if (finalStatuses.has(run.status)) return run;
  const jobState = (await commands.states([execution.jobId])).get(execution.jobId) ?? 'GONE';
  const imported = importBundle(db, dataDir, runId, execution.bundleDir);
  const cancelRequested = existsSync(bundlePaths(execution.bundleDir).cancelRequested);
  const { attemptsBefore } = readSubmission(execution.bundleDir);
  const current = imported.status && imported.status.attempt > attemptsBefore ? imported.status : null;
  applyExternalRunState(
    db,
    runId,
    externalState(db, run, execution.jobId, jobState, { ...imported, status: current }, cancelRequested),
  );
  return getRunRecord(db, runId) as RunRecord;
}

/** Asks the job to stop: the marker tells the worker that SIGTERM means cancel, then scancel. */
export async function cancelSlurmRun(db: LabDatabase, runId: number, commands: SlurmCommands = slurmCommands) {
  const execution = getRunExecution(db, runId);
  if (!execution?.jobId || !execution.bundleDir) throw new Error(`run ${runId} is not a submitted Slurm run`);
  writeFileSync(bundlePaths(execution.bundleDir).cancelRequested, `${new Date().toISOString()}\n`);
  await commands.cancel(execution.jobId);
  setRunJobState(db, runId, 'CANCELLING');
}

function externalState(
  db: LabDatabase,
  run: RunRecord,
  jobId: string,
  jobState: string,
  imported: { status: BundleStatus | null; lastStep: number },
  cancelRequested: boolean,
): ExternalRunState {
  const status = imported.status;
  const base = {
    lastStep: imported.lastStep,
    backend: status?.backend ?? null,
    attempts: status?.attempt ?? 0,
    startedAt: status?.startedAt ?? null,
    jobState,
  };
  const now = new Date().toISOString();
  // The worker's final word wins: it checkpointed and said how it ended. The lab stops looking at
  // an ended run, so a job still winding down is recorded as COMPLETING, never left RUNNING.
  if (status && status.state !== 'running')
    return {
      ...base,
      jobState: liveJobStates.has(jobState) ? 'COMPLETING' : jobState,
      status: status.state,
      error: status.error,
      finishedAt: status.updatedAt,
    };
  if (liveJobStates.has(jobState)) {
    const running = status?.state === 'running' && jobState !== 'PENDING';
    return { ...base, status: running ? 'running' : 'queued', error: null, finishedAt: null };
  }
  // The job ended without the worker's final word: killed (kill -9, OOM, node failure) or never started.
  if (cancelRequested)
    return { ...base, status: 'cancelled', error: `Slurm job ${jobId} was cancelled`, finishedAt: now };
  const checkpoint = latestCheckpoint(db, run.id);
  return {
    ...base,
    status: 'interrupted',
    error:
      `Slurm job ${jobId} ended (${jobState}) before its worker finished, at step ${imported.lastStep} of ${run.totalSteps}; ` +
      (checkpoint
        ? `resume resubmits it and continues from checkpoint step ${checkpoint.step}`
        : 'it has no checkpoint, so resume starts it again') +
      ` (the job's log: ${bundlePaths(getRunExecution(db, run.id)?.bundleDir ?? '').log})`,
    finishedAt: now,
  };
}
