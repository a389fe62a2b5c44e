import { labMethodNames, type LabApiHandlers, type LabMethod } from '../contract/index.js';
import { openLabDatabase, type LabDatabase } from '../../store/db.js';
import type { ServiceContext } from './context.js';
import { LabEventBus } from './event-bus.js';
import { jobHandlers } from './job-handlers.js';
import { JobRegistry } from './jobs.js';
import { notAvailable } from './not-available.js';
import { systemHandlers } from './system-handlers.js';
import { unavailableHandlers } from './unavailable-handlers.js';
import type { LabImage, LabService, LabServiceOptions } from './types.js';

// The LabApi implemented over the lab core (app/). Both transports (Electron IPC, HTTP) wrap one
// instance of this; it holds no transport logic.

export function createLabService(options: LabServiceOptions): LabService {
  const bus = new LabEventBus();
  const jobs = new JobRegistry(bus);
  let database: LabDatabase | undefined;
  const context: ServiceContext = {
    options,
    bus,
    jobs,
    db: () => (database ??= openLabDatabase(options.dataDir)),
  };

  // Methods whose core module is not built yet: they answer `not_available`, never made-up data.
  const pendingCore: Partial<Record<LabMethod, string>> = {
      'datasets.import': 'app/data (dataset import)',
      'datasets.list': 'app/data (dataset store)',
      'datasets.get': 'app/data (dataset store)',
      'datasets.images': 'app/data (dataset store)',
      'datasets.image': 'app/data (dataset store)',
      'datasets.identities': 'app/data (dataset store)',
      'datasets.histograms': 'app/data (dataset store)',
      'datasets.badFiles': 'app/data (dataset store)',
      'datasets.remove': 'app/data (dataset store)',
      'synth.generate': 'app/data/synth (SynthFaces)',
      'splits.preview': 'app/data (split rules)',
      'splits.save': 'app/data (split rules)',
      'splits.list': 'app/data (split rules)',
      'splits.get': 'app/data (split rules)',
      'splits.boundary': 'app/data (split rules)',
      'splits.distributions': 'app/eval (embeddings)',
      'runs.create': 'app/train (run processes)',
      'runs.cancel': 'app/train (run processes)',
      'runs.resume': 'app/train (run processes)',
      'runs.list': 'app/train (run store)',
      'runs.get': 'app/train (run store)',
      'runs.metrics': 'app/train (run store)',
      'runs.histograms': 'app/train (run store)',
      'evaluations.run': 'app/eval (evaluation)',
      'evaluations.get': 'app/eval (evaluation store)',
      'evaluations.list': 'app/eval (evaluation store)',
      'evaluations.failures': 'app/eval (failure mining)',
      'evaluations.compare': 'app/eval (evaluation store)',
  };

  const handlers = {
    ...unavailableHandlers(pendingCore),
    ...systemHandlers(
      context,
      async () => ({ backend: null, available: [], threads: null }),
      () => Object.keys(pendingCore),
    ),
    ...jobHandlers(context),
  } as LabApiHandlers;

  const missing = labMethodNames.filter((method) => typeof handlers[method] !== 'function');
  if (missing.length > 0) throw new Error(`createLabService: no handler for ${missing.join(', ')}`);

  return {
    handlers,
    subscribe: (listener) => bus.subscribe(listener),
    openImage: async (): Promise<LabImage> => notAvailable('images', 'app/data (dataset store)'),
    close: async () => {
      await jobs.cancelAll();
      bus.clear();
      database?.close();
      database = undefined;
    },
  };
}
