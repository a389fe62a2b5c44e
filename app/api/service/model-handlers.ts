import { LabApiError, pretrainedModelSchema } from '../contract/index.js';
import { LabOperationError } from '../../lab/lab.js';
import { listModels, modelLabels, pretrainedModelRunInWorker } from '../../lab/models.js';
import type { HandlersOf, ServiceContext } from './context.js';
import { apiId, dbId } from './ids.js';
import { runSummary } from './run-view.js';

// models.*: the zoo's pretrained models, and their pretrained runs (app/lab/models.ts; a new one is
// made in the evaluation process, never in the app's main process).

export function modelHandlers(context: ServiceContext): HandlersOf<'models'> {
  return {
    'models.list': async () => {
      const labels = modelLabels();
      return {
        models: listModels().map((m) => ({
          ...m,
          name: pretrainedModelSchema.parse(m.name),
          label: labels[m.name] ?? m.name,
        })),
      };
    },

    'models.pretrainedRun': async ({ model, datasetId, classifierInit, centre }) => {
      const lab = { db: context.db(), dataDir: context.options.dataDir };
      try {
        const { run, created } = await pretrainedModelRunInWorker(
          lab,
          { model, datasetId: dbId(datasetId, 'dataset'), classifierInit, centre },
          { launcher: context.options.evaluationLauncher },
        );
        // Pages listing runs refresh on run.status events.
        if (created)
          context.bus.emit('run.status', {
            runId: apiId(run.id),
            status: run.status,
            step: 0,
            backend: null,
            error: null,
          });
        return runSummary(lab.db, run);
      } catch (error) {
        if (error instanceof LabOperationError) throw new LabApiError(error.code, error.message);
        throw error;
      }
    },
  };
}
