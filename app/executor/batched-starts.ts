import type { RunRecord } from '../store/runs-repository.js';
import type { RunExecutor } from './run-executor.js';

// Starts asked for in the same turn of the event loop, in one group (an experiment's stage 1s, or
// one variant's fine-tunes over the seeds), go to the executor as one start() call: the slurm
// executor submits them as one array job instead of one job per run.

export class BatchedStarts {
  private readonly pending = new Map<
    string,
    { runIds: number[]; waiters: { resolve(done: Promise<RunRecord>): void; reject(error: unknown): void }[] }
  >();

  constructor(
    private readonly executor: RunExecutor,
    private readonly env?: Record<string, string>,
  ) {}

  /** The run's final record; `group` names the runs that may share a submission. */
  start(runId: number, group: string): Promise<RunRecord> {
    return new Promise<RunRecord>((resolve, reject) => {
      let batch = this.pending.get(group);
      if (!batch) {
        batch = { runIds: [], waiters: [] };
        this.pending.set(group, batch);
        setImmediate(() => void this.flush(group));
      }
      batch.runIds.push(runId);
      batch.waiters.push({ resolve, reject });
    });
  }

  private async flush(group: string): Promise<void> {
    const batch = this.pending.get(group)!;
    this.pending.delete(group);
    try {
      const jobs = await this.executor.start(batch.runIds, { env: this.env });
      jobs.forEach((job, i) => batch.waiters[i]!.resolve(job.done));
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error);
    }
  }
}
