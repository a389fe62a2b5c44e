import { cancelSlurmRun, refreshSlurmRun, resumeSlurmRun } from '../../executor/slurm-executor.js';
import { getRunExecution, listExternalRunsInFlight } from '../../store/runs-executor.js';
import type { ServiceContext } from './context.js';
import { apiId } from './ids.js';

// Runs of the slurm executor as the service sees them: no process of this lab works on them, so
// cancel and resume go to Slurm (scancel, sbatch of the bundle's job.sh), and the runs list first
// refreshes the ones still queued or running from squeue/scontrol and their bundles (at most every
// few seconds). That also picks up jobs submitted before the app restarted.

const refreshEveryMs = 3000;
const lastRefresh = new WeakMap<ServiceContext, number>();

export function isSlurmRun(context: ServiceContext, runId: number): boolean {
  return getRunExecution(context.db(), runId)?.executor === 'slurm';
}

export async function refreshSlurmRuns(context: ServiceContext): Promise<void> {
  const db = context.db();
  if (db.readonly) return;
  const now = Date.now();
  if (now - (lastRefresh.get(context) ?? 0) < refreshEveryMs) return;
  lastRefresh.set(context, now);
  for (const { runId } of listExternalRunsInFlight(db, 'slurm')) {
    try {
      const run = await refreshSlurmRun(db, context.options.dataDir, runId);
      if (run.status !== 'queued' && run.status !== 'running')
        context.bus.emit('run.status', {
          runId: apiId(run.id),
          status: run.status,
          step: run.lastStep,
          backend: run.backend,
          error: run.error,
        });
    } catch {
      /* Slurm unreachable from here: the run keeps its last known state until the next look */
    }
  }
}

export async function cancelSlurm(context: ServiceContext, runId: number): Promise<void> {
  await cancelSlurmRun(context.db(), runId);
}

export async function resumeSlurm(context: ServiceContext, runId: number): Promise<void> {
  await resumeSlurmRun(context.db(), runId);
}
