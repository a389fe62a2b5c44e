import { latestMetrics, histogramsAt } from '../store/runs-series.js';
import { RunManager, type RunManagerOptions } from '../train/run-manager.js';
import type { Lab } from './lab.js';

// Training runs: every operation is RunManager's (create, start, cancel, resume, list, delete,
// start-up recovery); the run's series are read here.

export { RunManager, RunStateError, type RunDetails, type RunManagerOptions } from '../train/run-manager.js';
export { runStatuses, type RunRecord, type RunStatus } from '../store/runs-repository.js';
export type { SeriesPoint } from '../store/runs-series.js';

/** The runs of a lab, after start-up recovery (runs whose process died become `interrupted`). */
export function openRunManager(lab: Lab, options: RunManagerOptions = {}): RunManager {
  const manager = new RunManager(lab.db, lab.dataDir, options);
  if (!lab.db.readonly) manager.recover(); // a read-only open (list, show) writes nothing
  return manager;
}

/** The latest value of each metric a run recorded. */
export function runLatestMetrics(lab: Lab, runId: number) {
  return latestMetrics(lab.db, runId);
}

/** The four similarity histograms a run recorded at `step` (default: its latest). */
export function runHistograms(lab: Lab, runId: number, step?: number) {
  return histogramsAt(lab.db, runId, step);
}
