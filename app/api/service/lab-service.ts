import { labMethodNames, type LabApiHandlers, type LabMethod } from '../contract/index.js';
import { initBackend, type BackendInfo } from '../../engine/backend.js';
import { backendReport } from '../../engine/backend-report.js';
import { openLabDatabase, type LabDatabase } from '../../store/db.js';
import type { RunManager } from '../../train/run-manager.js';
import type { ServiceContext } from './context.js';
import { datasetHandlers } from './dataset-handlers.js';
import { LabEventBus } from './event-bus.js';
import { ImageSource } from './image-source.js';
import { ComputedExports } from './computed-exports.js';
import { EvaluationStore, evaluationHandlers } from './evaluation-handlers.js';
import { ExperimentRunners, experimentHandlers } from './experiment-handlers.js';
import { jobHandlers } from './job-handlers.js';
import { modelHandlers } from './model-handlers.js';
import { RunEmbeddings } from './run-embeddings.js';
import { modelScores } from './model-scores.js';
import { JobRegistry } from './jobs.js';
import { createRunManager, runHandlers } from './run-handlers.js';
import { runManagementHandlers } from './run-management-handlers.js';
import { slurmHandlers } from './slurm-handlers.js';
import { splitHandlers } from './split-handlers.js';
import { synthHandlers } from './synth-handlers.js';
import { systemHandlers } from './system-handlers.js';
import { unavailableHandlers } from './unavailable-handlers.js';
import type { LabService, LabServiceOptions } from './types.js';

// The LabApi implemented over the lab core (app/). Both transports (Electron IPC, HTTP) wrap one
// instance of this; it holds no transport logic.

/** Runs keep going this long after the app asks them to stop (they checkpoint), then are killed. */
const shutdownGraceMs = 30_000;

export function createLabService(options: LabServiceOptions): LabService {
  const bus = new LabEventBus();
  const jobs = new JobRegistry(bus);
  let database: LabDatabase | undefined;
  let runManager: RunManager | undefined;
  let backend: Promise<BackendInfo> | undefined;
  const context: ServiceContext = {
    options,
    bus,
    jobs,
    db: () => (database ??= openLabDatabase(options.dataDir)),
    evaluationIdsOf: (runId) => evaluations.idsOf(runId),
  };
  const runs = () => (runManager ??= createRunManager(context));
  const images = new ImageSource(context.db);
  const embeddings = new RunEmbeddings(context.db, options.dataDir, options.evaluationLauncher);
  const evaluations = new EvaluationStore();
  const experiments = new ExperimentRunners(context);
  const computedExports = new ComputedExports(context);

  // Methods whose core module is not built yet answer `not_available` (never made-up data); listed here.
  const pendingCore: Partial<Record<LabMethod, string>> = {};

  const handlers = {
    ...unavailableHandlers(pendingCore),
    ...systemHandlers(
      context,
      async () => {
        try {
          const info = await (backend ??= initBackend());
          const report = backendReport(info);
          return {
            backend: info.detail,
            available: info.tried.filter((t) => !t.error).map((t) => t.name),
            threads: info.threads,
            adapter: report.adapter,
            tried: report.backends,
            fasterBackend: report.fasterHint,
          };
        } catch {
          return { backend: null, available: [], threads: null };
        }
      },
      () => Object.keys(pendingCore),
    ),
    ...datasetHandlers(context),
    ...synthHandlers(context),
    ...splitHandlers(
      context,
      (_db, datasetId, definition) => modelScores(embeddings, datasetId, definition),
      embeddings,
    ),
    ...runHandlers(context, runs),
    ...evaluationHandlers(context, evaluations),
    ...runManagementHandlers(context, runs),
    ...computedExports.handlers(),
    ...jobHandlers(context),
    ...experimentHandlers(context, experiments),
    ...slurmHandlers(context),
    ...modelHandlers(context),
  } as LabApiHandlers;

  const missing = labMethodNames.filter((method) => typeof handlers[method] !== 'function');
  if (missing.length > 0) throw new Error(`createLabService: no handler for ${missing.join(', ')}`);
  experiments.resumeUnfinished(); // picks up experiments the last app left running

  return {
    handlers,
    subscribe: (listener) => bus.subscribe(listener),
    openImage: (datasetId, imageId, thumb) => images.open(datasetId, imageId, thumb),
    close: async () => {
      await jobs.cancelAll();
      computedExports.clear();
      await experiments.closeAll(); // their runs end interrupted; the next start resumes them
      // Runs are suspended (checkpoint, `interrupted`): resume them after the next start.
      await runManager?.shutdown({ graceMs: shutdownGraceMs });
      bus.clear();
      database?.close();
      database = undefined;
      runManager = undefined;
    },
  };
}
