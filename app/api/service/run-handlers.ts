import { LabApiError, type LabEventName, type LabEventPayload, type RunConfigInput } from '../contract/index.js';
import type { RunEvent } from '../../train/events.js';
import { RunConfigError } from '../../train/run-config.js';
import { RunManager, RunStateError } from '../../train/run-manager.js';
import { workerLogFile } from '../../train/run-supervisor.js';
import { histogramSteps, histogramsAt } from '../../store/runs-series.js';
import type { HandlersOf, ServiceContext } from './context.js';
import type { RunManagementMethod } from './run-management-handlers.js';
import { histogramRows } from './histogram-rows.js';
import { apiId, dbId } from './ids.js';
import { cancelSlurm, isSlurmRun, refreshSlurmRuns, resumeSlurm } from './external-runs.js';
import { matchesRunFilter } from './run-filter.js';
import { contractRunConfig, metricRows, runSummary } from './run-view.js';
import { runCodeVersion } from '../../store/run-annotations.js';

// runs.*: create (validated by app/train), start, cancel, resume, list and read runs, through
// app/train's RunManager; its live events become the contract's run.* events.

/** Cancel waits this long for the run to checkpoint and stop before killing it. */
const cancelGraceMs = 60_000;

function runError(error: unknown): never {
  if (error instanceof RunConfigError) {
    throw new LabApiError('invalid_params', `The run config has problems: ${error.problems.join('; ')}.`, 'config');
  }
  if (error instanceof RunStateError) throw new LabApiError(error.code, `${error.message}.`);
  throw error;
}

export function runEventToLabEvent(
  event: RunEvent,
): { type: LabEventName; payload: LabEventPayload<LabEventName> } | undefined {
  const runId = apiId(event.runId);
  switch (event.type) {
    case 'run.status':
      return {
        type: 'run.status',
        payload: { runId, status: event.status, step: event.step, backend: event.backend, error: event.error },
      };
    case 'run.progress': {
      const { lr: _lr, imagesPerSecond: _ips, time: _time, ...rest } = event.metrics;
      const extras = Object.fromEntries(Object.entries(rest).filter(([name]) => !(name in event.terms)));
      return {
        type: 'run.progress',
        payload: {
          runId,
          step: event.step,
          totalSteps: event.totalSteps,
          lr: event.lr,
          imagesPerSecond: event.imagesPerSecond,
          terms: event.terms as Record<string, number>,
          extras,
        },
      };
    }
    case 'run.histograms':
      return {
        type: 'run.histograms',
        payload: { runId, step: event.step, availableSteps: [], ...histogramRows(event.histograms) },
      };
    default:
      return undefined;
  }
}

export function createRunManager(context: ServiceContext): RunManager {
  const manager = new RunManager(context.db(), context.options.dataDir, { launcher: context.options.runLauncher });
  // Runs left `running` by a process that died with the previous app become `interrupted`.
  for (const run of manager.recover()) {
    context.bus.emit('run.status', {
      runId: apiId(run.id),
      status: 'interrupted',
      step: run.lastStep,
      backend: run.backend,
      error: run.error,
    });
  }
  manager.subscribe((event) => {
    const labEvent = runEventToLabEvent(event);
    if (labEvent) context.bus.emit(labEvent.type, labEvent.payload as never);
  });
  return manager;
}

export function runHandlers(
  context: ServiceContext,
  runs: () => RunManager,
): Omit<HandlersOf<'runs'>, RunManagementMethod> {
  const db = () => context.db();
  const requireRun = (runId: string) => {
    const run = runs().get(dbId(runId, 'run'));
    if (!run) throw new LabApiError('not_found', `No run with id "${runId}". runs.list shows the runs there are.`);
    return run;
  };
  return {
    'runs.create': async ({ config }) => {
      const { datasetId, splitId, name, parentRunId, ...trainerConfig } = config as RunConfigInput;
      try {
        const handle = runs().createAndStart({
          datasetId: dbId(datasetId, 'dataset'),
          splitId: dbId(splitId, 'split'),
          name,
          config:
            parentRunId === undefined ? trainerConfig : { ...trainerConfig, parentRunId: dbId(parentRunId, 'run') },
        });
        return runSummary(db(), requireRun(apiId(handle.runId)));
      } catch (error) {
        return runError(error);
      }
    },

    'runs.cancel': async ({ runId }) => {
      const run = requireRun(runId);
      if (run.status !== 'running' && run.status !== 'queued') {
        throw new LabApiError(
          'conflict',
          `Run ${runId} is ${run.status}; only a queued or running run can be cancelled.`,
        );
      }
      if (isSlurmRun(context, run.id)) {
        await cancelSlurm(context, run.id).catch((error: Error) => {
          throw new LabApiError('conflict', `Run ${runId}: ${error.message}.`);
        });
        return runSummary(db(), requireRun(runId));
      }
      // Graceful: the process finishes its step and checkpoints; `run.status` tells when it stopped.
      void runs()
        .cancel(run.id, { graceMs: cancelGraceMs })
        .catch(() => {});
      return runSummary(db(), requireRun(runId));
    },

    'runs.resume': async ({ runId }) => {
      const run = requireRun(runId);
      if (isSlurmRun(context, run.id)) {
        await resumeSlurm(context, run.id).catch((error: Error) => {
          throw new LabApiError('conflict', `Run ${runId}: ${error.message}.`);
        });
        return runSummary(db(), requireRun(runId));
      }
      try {
        runs().resume(run.id);
      } catch (error) {
        return runError(error);
      }
      return runSummary(db(), requireRun(runId));
    },

    'runs.list': async ({ datasetId, status, ...filter }) => {
      await refreshSlurmRuns(context); // Slurm jobs move without telling anyone
      const listed = runs().list({
        datasetId: datasetId === undefined ? undefined : dbId(datasetId, 'dataset'),
        status: status ? [status] : undefined,
      });
      return { runs: listed.map((run) => runSummary(db(), run)).filter((run) => matchesRunFilter(run, filter)) };
    },

    'runs.get': async ({ runId }) => {
      await refreshSlurmRuns(context);
      const run = requireRun(runId);
      return {
        ...runSummary(db(), run),
        config: contractRunConfig(run),
        checkpoints: run.checkpoints.map((c) => ({ step: c.step, createdAt: c.createdAt })),
        logFile: workerLogFile(context.options.dataDir, run.id),
        evaluationIds: context.evaluationIdsOf(run.id),
        codeVersion: runCodeVersion(db(), run.id),
      };
    },

    'runs.metrics': async ({ runId, sinceStep, limit }) => {
      const run = requireRun(runId);
      const points = metricRows(db(), run.id, sinceStep, limit);
      return { runId, points, lastStep: points.at(-1)?.step ?? sinceStep };
    },

    'runs.histograms': async ({ runId, step }) => {
      const run = requireRun(runId);
      const found = histogramsAt(db(), run.id, step);
      return {
        runId,
        step: found?.step ?? null,
        availableSteps: histogramSteps(db(), run.id),
        ...histogramRows(found?.histograms ?? []),
      };
    },
  };
}
