import type { LabApiHandlers, LabMethod } from '../contract/index.js';
import type { LabEventBus } from './event-bus.js';
import type { JobRegistry } from './jobs.js';
import type { LabServiceOptions } from './types.js';
import type { LabDatabase } from '../../store/db.js';

/** What every group of handlers shares. */
export interface ServiceContext {
  options: LabServiceOptions;
  bus: LabEventBus;
  jobs: JobRegistry;
  /** The lab database, opened on first use. */
  db(): LabDatabase;
  /** Evaluations recorded for a run (empty until the evaluation store exists). */
  evaluationIdsOf(runId: number): string[];
}

/** The handlers of one area, e.g. `HandlersOf<'datasets'>`. */
export type HandlersOf<Area extends string> = Pick<LabApiHandlers, Extract<LabMethod, `${Area}.${string}`>>;
