import { existsSync } from 'node:fs';
import { LabApiError, type ExperimentDetail, type ExperimentSummary } from '../contract/index.js';
import { experimentView, type ExperimentView } from '../../experiments/experiment-results.js';
import { createExperiment, experimentCsv, ExperimentSpecError } from '../../experiments/experiments.js';
import { ExperimentBusyError, runExperiment } from '../../experiments/run-experiment.js';
import { databasePath } from '../../store/db.js';
import { getExperiment, listExperiments, requeueExperiment } from '../../store/experiments-repo.js';
import { listRunExecutions, type RunExecution } from '../../store/runs-executor.js';
import { isProcessAlive } from '../../train/process-liveness.js';
import type { HandlersOf, ServiceContext } from './context.js';
import { apiId, dbId } from './ids.js';
import { runEventToLabEvent } from './run-handlers.js';

// experiments.*: app/experiments behind the contract. Each started experiment runs in this
// process in the background (its runs are child processes, whose live events go out as run.*
// events); the page polls experiments.get.
// When the service starts, experiments whose runner is gone (the app was closed or killed while
// they ran) are picked up where they were.

export class ExperimentRunners {
  private readonly active = new Map<number, { stop: AbortController; done: Promise<unknown> }>();

  constructor(private readonly context: ServiceContext) {}

  start(experimentId: number): void {
    if (this.active.has(experimentId)) return;
    const stop = new AbortController();
    const done = runExperiment(this.context.db(), experimentId, {
      dataDir: this.context.options.dataDir,
      launcher: this.context.options.runLauncher,
      signal: stop.signal,
      // The experiment's runs are the lab's runs: their live events reach every page, as a run's do.
      onRunEvent: (event) => {
        const labEvent = runEventToLabEvent(event);
        if (labEvent) this.context.bus.emit(labEvent.type, labEvent.payload as never);
      },
    })
      .catch((error: unknown) => {
        if (!(error instanceof ExperimentBusyError))
          process.stderr.write(`experiment ${experimentId}: ${(error as Error).message}\n`);
      })
      .finally(() => this.active.delete(experimentId));
    this.active.set(experimentId, { stop, done });
  }

  async stop(experimentId: number): Promise<void> {
    const runner = this.active.get(experimentId);
    if (!runner) return;
    runner.stop.abort();
    await runner.done;
  }

  isRunning(experimentId: number): boolean {
    return this.active.has(experimentId);
  }

  /** Experiments left running by a runner that is gone, or queued: start them again. */
  resumeUnfinished(): void {
    if (!existsSync(databasePath(this.context.options.dataDir))) return;
    try {
      for (const e of listExperiments(this.context.db()))
        if (e.status === 'queued' || (e.status === 'running' && (e.runnerPid === null || !isProcessAlive(e.runnerPid))))
          this.start(e.id);
    } catch {
      // The lab cannot be opened for writing (read-only folder, newer schema...): every call says
      // why, and with no writable lab there is nothing to resume.
    }
  }

  /** App shutdown: stop every experiment, queued again so that the next start picks it up. */
  async closeAll(): Promise<void> {
    const ids = [...this.active.keys()];
    await Promise.all(ids.map((id) => this.stop(id)));
    for (const id of ids) requeueExperiment(this.context.db(), id);
  }
}

function summary(view: ExperimentView): ExperimentSummary {
  return {
    id: apiId(view.id),
    name: view.name,
    status: view.status,
    progress: view.progress,
    createdAt: view.createdAt,
    error: view.error,
  };
}

function detail(view: ExperimentView, executions: Map<number, RunExecution>): ExperimentDetail {
  const execution = (runId: number | null) => {
    const e = runId === null ? undefined : executions.get(runId);
    return e ? { executor: e.executor, jobId: e.jobId, jobState: e.jobState } : {};
  };
  return {
    ...summary(view),
    startedAt: view.startedAt,
    finishedAt: view.finishedAt,
    spec: view.spec as unknown as Record<string, unknown>,
    seeds: view.spec.seeds,
    cells: view.cells.map((c) => ({
      seed: c.seed,
      variant: c.variant,
      arm: c.arm,
      runId: c.runId === null ? null : apiId(c.runId),
      status: c.status,
      step: c.step,
      totalSteps: c.totalSteps,
      evaluated: c.evaluationId !== null,
      ...execution(c.runId),
    })),
    method: view.method,
    variants: view.variants.map((v) => ({
      name: v.name,
      seeds: v.seeds,
      metrics: v.metrics.map(({ perSeed: _perSeed, ...m }) => m),
    })),
    csv: experimentCsv(view),
  };
}

export function experimentHandlers(context: ServiceContext, runners: ExperimentRunners): HandlersOf<'experiments'> {
  const view = (id: string): ExperimentView => {
    const found = experimentView(context.db(), dbId(id, 'experiment'));
    if (!found) throw new LabApiError('not_found', `No experiment with id "${id}".`);
    return found;
  };
  return {
    'experiments.list': async () => ({
      experiments: listExperiments(context.db()).map((e) => summary(experimentView(context.db(), e.id)!)),
    }),
    'experiments.get': async ({ experimentId }) => {
      const found = view(experimentId);
      const runIds = found.cells.flatMap((c) => (c.runId === null ? [] : [c.runId]));
      return detail(found, listRunExecutions(context.db(), runIds));
    },
    'experiments.create': async ({ spec }) => {
      let created;
      try {
        created = createExperiment(context.db(), spec);
      } catch (error) {
        if (error instanceof ExperimentSpecError)
          throw new LabApiError('invalid_params', `The experiment has problems: ${error.problems.join('; ')}.`, 'spec');
        throw error;
      }
      runners.start(created.id);
      return summary(view(apiId(created.id)));
    },
    'experiments.resume': async ({ experimentId }) => {
      const record = getExperiment(context.db(), dbId(experimentId, 'experiment'));
      if (!record) throw new LabApiError('not_found', `No experiment with id "${experimentId}".`);
      if (record.status === 'completed') throw new LabApiError('conflict', `Experiment ${experimentId} is completed.`);
      runners.start(record.id);
      return summary(view(experimentId));
    },
    'experiments.stop': async ({ experimentId }) => {
      const id = dbId(experimentId, 'experiment');
      if (!runners.isRunning(id))
        throw new LabApiError('conflict', `Experiment ${experimentId} is not running in this app.`);
      await runners.stop(id);
      return summary(view(experimentId));
    },
  };
}
