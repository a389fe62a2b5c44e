import { rmSync } from 'node:fs';
import type { LabDatabase } from '../store/db.js';
import { checkpointFolder, listCheckpoints, type CheckpointRecord } from '../store/runs-checkpoints.js';
import { isExternalRun } from '../store/runs-executor.js';
import { setRunCodeVersion } from '../store/run-annotations.js';
import {
  countRuns,
  deleteRunRecord,
  getRunRecord,
  finishRun,
  insertRun,
  listRunRecords,
  requeueRun,
  resumableStatuses,
  type RunFilter,
  type RunRecord,
} from '../store/runs-repository.js';
import { codeVersion } from './code-version.js';
import { runDirectory } from './checkpoint-files.js';
import { claimRunFolder, isOtherLabsRunFolder, RunFolderError } from './run-folder.js';
import type { RunEvent } from './events.js';
import type { RunProcessLauncher } from '../process/process-launcher.js';
import { checkRunRequest, type RunRequest } from './run-checks.js';
import { cancelRunEverywhere, recoverInterruptedRuns, runAsSeenNow } from './run-control.js';
import { defaultCancelGraceMs, superviseRun, type RunHandle } from './run-supervisor.js';

// Everything a shell (CLI, HTTP server, Electron main) does with runs, in one object: create
// (validated), start, cancel, resume, list, get, delete, and start-up recovery. It supervises the
// processes it started and relays their events to subscribers.

export class RunStateError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'conflict',
  ) {
    super(message);
    this.name = 'RunStateError';
  }
}

export interface RunDetails extends RunRecord {
  /** With each checkpoint's folder in this data dir. */
  checkpoints: (CheckpointRecord & { path: string })[];
}

export interface RunManagerOptions {
  launcher?: RunProcessLauncher;
  /** Extra environment for run processes (e.g. LAB_BACKEND). */
  env?: Record<string, string>;
  /** Problems of the supervision itself, e.g. a final status that could not be written (default: stderr). */
  log?: (message: string) => void;
}

export class RunManager {
  private readonly handles = new Map<number, RunHandle>();
  private readonly listeners = new Set<(event: RunEvent) => void>();

  constructor(
    readonly db: LabDatabase,
    readonly dataDir: string,
    private readonly options: RunManagerOptions = {},
  ) {}

  /** Live events of the runs this manager started; returns the unsubscribe function. */
  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates the request (throws RunConfigError with every problem) and records a `queued` run. */
  create(request: RunRequest): RunRecord {
    const checked = checkRunRequest(this.db, request);
    const run = insertRun(this.db, {
      name: checked.name,
      datasetId: checked.datasetId,
      splitId: checked.splitId,
      stage: checked.config.stage,
      parentRunId: checked.parent?.id ?? null,
      config: checked.config,
      seed: checked.config.seed,
      totalSteps: checked.config.steps,
    });
    setRunCodeVersion(this.db, run.id, codeVersion());
    return run;
  }

  /** Starts the process of a `queued` run; `env` adds to the manager's environment for this process. */
  start(runId: number, options: { env?: Record<string, string> } = {}): RunHandle {
    const run = this.require(runId);
    if (run.status !== 'queued')
      throw new RunStateError(
        `run ${runId} is ${run.status}; only a queued run can start (use resume for a stopped one)`,
        'conflict',
      );
    if (this.handles.has(runId)) throw new RunStateError(`run ${runId} already has a process`, 'conflict');
    try {
      claimRunFolder(this.db, this.dataDir, runId); // before the process writes its log there
    } catch (error) {
      if (!(error instanceof RunFolderError)) throw error;
      finishRun(this.db, runId, 'failed', error.message, ['queued']);
      throw new RunStateError(error.message, 'conflict');
    }
    const handle = superviseRun(this.db, this.dataDir, runId, {
      launcher: this.options.launcher,
      env: { ...this.options.env, ...options.env },
      log: this.options.log,
      onEvent: (event) => {
        for (const listener of this.listeners) listener(event);
      },
    });
    this.handles.set(runId, handle);
    void handle.done.finally(() => this.handles.delete(runId));
    return handle;
  }

  createAndStart(request: RunRequest): RunHandle {
    return this.start(this.create(request).id);
  }

  /** Continues an interrupted, cancelled or failed run from its last checkpoint (or from the start if it has none). */
  resume(runId: number): RunHandle {
    const run = this.require(runId);
    this.refuseExternal(runId, 'resume');
    if (!resumableStatuses.includes(run.status)) {
      throw new RunStateError(
        `run ${runId} is ${run.status}; only ${resumableStatuses.join(', ')} runs can be resumed`,
        'conflict',
      );
    }
    if (!requeueRun(this.db, runId))
      throw new RunStateError(`run ${runId} changed status meanwhile; try again`, 'conflict');
    return this.start(runId);
  }

  /**
   * Graceful cancel: the process finishes its step, checkpoints and ends `cancelled`; after
   * `graceMs` it is killed. Works for runs started by another process too (through the database).
   */
  async cancel(runId: number, options: { graceMs?: number } = {}): Promise<RunRecord> {
    this.require(runId);
    this.refuseExternal(runId, 'cancel');
    const handle = this.handles.get(runId);
    if (handle) return handle.cancel({ graceMs: options.graceMs ?? defaultCancelGraceMs });
    return cancelRunEverywhere(this.db, runId, options);
  }

  /** The process of a run this manager started, while it lives. */
  handle(runId: number): RunHandle | undefined {
    return this.handles.get(runId);
  }

  get(runId: number): RunDetails | undefined {
    const record = getRunRecord(this.db, runId);
    if (!record) return undefined;
    const run = this.seen(record);
    const checkpoints = listCheckpoints(this.db, runId).map((c) => ({ ...c, path: checkpointFolder(this.dataDir, c) }));
    return { ...run, checkpoints };
  }

  list(filter: RunFilter = {}): RunRecord[] {
    return listRunRecords(this.db, filter).map((run) => this.seen(run));
  }

  /** A read-only open cannot recover dead runs, so it shows them as recovery would leave them. */
  private seen(run: RunRecord): RunRecord {
    return this.db.readonly ? runAsSeenNow(this.db, run) : run;
  }

  count(filter: RunFilter = {}): number {
    return countRuns(this.db, filter);
  }

  /** Deletes a finished run, its series and its files. Refuses runs with a process or with stage-2 children. */
  delete(runId: number): void {
    const blocker = this.deletionBlocker(runId);
    if (blocker) throw new RunStateError(blocker, 'conflict');
    const othersFolder = isOtherLabsRunFolder(this.db, this.dataDir, runId);
    deleteRunRecord(this.db, runId);
    if (!othersFolder) rmSync(runDirectory(this.dataDir, runId), { recursive: true, force: true });
  }

  /** Why `delete` would refuse the run now (it has a process, or stage-2 children); null when it would not. */
  deletionBlocker(runId: number): string | null {
    const run = this.require(runId);
    if (run.status === 'running' || run.status === 'queued') return `run ${runId} is ${run.status}; cancel it first`;
    const children = listRunRecords(this.db, { parentRunId: runId });
    if (children.length > 0)
      return `run ${runId} is the parent of run${children.length > 1 ? 's' : ''} ${children.map((c) => c.id).join(', ')}; delete those first`;
    return null;
  }

  /** Start-up: runs left `running` by a dead process (or a pid now used by another one) become `interrupted`. */
  recover(): RunRecord[] {
    return recoverInterruptedRuns(this.db, undefined, this.options.log);
  }

  /** App shutdown: every run this manager started stops at its next step, checkpoints, and ends `interrupted`. */
  async shutdown(options: { graceMs?: number } = {}): Promise<void> {
    await Promise.all(
      [...this.handles.values()].map((h) => h.suspend({ graceMs: options.graceMs ?? defaultCancelGraceMs })),
    );
  }

  /** A Slurm run has no process here: cancelling or resuming it locally would lose track of its job. */
  private refuseExternal(runId: number, action: 'cancel' | 'resume'): void {
    if (isExternalRun(this.db, runId))
      throw new RunStateError(
        `run ${runId} is a Slurm job; ${action} it with "ddl-lab slurm ${action} ${runId}" or from the app`,
        'conflict',
      );
  }

  private require(runId: number): RunRecord {
    const run = getRunRecord(this.db, runId);
    if (!run) throw new RunStateError(`no run with id ${runId}`, 'not_found');
    return run;
  }
}
