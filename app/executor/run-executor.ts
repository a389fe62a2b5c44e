import type { RunRecord } from '../store/runs-repository.js';
import type { ExecutorName } from '../store/runs-executor.js';
import type { RunManager } from '../train/run-manager.js';

// Where a queued run trains. Callers (the demo, experiments, the CLI) create runs as before
// (RunManager.create: validated, `queued`) and hand their ids to an executor:
//   const [job] = await executor.start([run.id]);  const final = await job.done;
// Seeds of one variant go in one start() call: the slurm executor submits them as one array job.
// `local` runs each as the lab's own child process (the RunManager, unchanged); `slurm` writes a
// run bundle per run, submits a batch job, follows it and imports the bundle into the lab.

export interface ExecutorJob {
  runId: number;
  /** The run's final record, once it ended and (external executors) its results are imported. */
  done: Promise<RunRecord>;
}

export interface RunExecutor {
  readonly name: ExecutorName;
  /** Starts queued runs (one submission); `env` adds to the runs' environment (e.g. LAB_THREADS). */
  start(runIds: number[], options?: { env?: Record<string, string> }): Promise<ExecutorJob[]>;
  /** Continues an interrupted, cancelled or failed run from its last checkpoint. */
  resume(runId: number): Promise<ExecutorJob>;
  /** Stops a run gracefully (it checkpoints and ends `cancelled`). */
  cancel(runId: number): Promise<RunRecord>;
}

/** Today's runs: child processes (utility processes in Electron) supervised by the RunManager. */
export class LocalExecutor implements RunExecutor {
  readonly name = 'local' as const;

  constructor(private readonly manager: RunManager) {}

  start(runIds: number[], options: { env?: Record<string, string> } = {}): Promise<ExecutorJob[]> {
    return Promise.resolve(runIds.map((runId) => ({ runId, done: this.manager.start(runId, options).done })));
  }

  resume(runId: number): Promise<ExecutorJob> {
    return Promise.resolve({ runId, done: this.manager.resume(runId).done });
  }

  cancel(runId: number): Promise<RunRecord> {
    return this.manager.cancel(runId);
  }
}
