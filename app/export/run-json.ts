import { getDataset } from '../store/datasets-repo.js';
import type { LabDatabase } from '../store/db.js';
import { listCheckpoints } from '../store/runs-checkpoints.js';
import { getRunRecord, type RunRecord } from '../store/runs-repository.js';
import { metricSeries, type SeriesPoint } from '../store/runs-series.js';

// A run as one JSON document: its full config, status, backend, seed, dataset and split, timings,
// checkpoints and every metric series (all points, ordered by step). Non-finite values are null.

export const runJsonFormat = 'ddl-lab.run-export';
export const runJsonVersion = 1;

export interface RunJson {
  format: typeof runJsonFormat;
  version: typeof runJsonVersion;
  exportedAt: string;
  run: Omit<RunRecord, 'pid' | 'cancelRequestedAt'>;
  dataset: { id: number; name: string; kind: string; root: string } | null;
  checkpoints: number[];
  metrics: Record<string, SeriesPoint[]>;
}

export function runJson(db: LabDatabase, runId: number, now = new Date()): RunJson {
  const record = getRunRecord(db, runId);
  if (!record) throw new Error(`no run ${runId} in this lab; "ddl-lab runs list" lists the runs.`);
  const { pid: _pid, cancelRequestedAt: _cancel, ...run } = record; // process bookkeeping, not results
  const dataset = getDataset(db, run.datasetId);
  return {
    format: runJsonFormat,
    version: runJsonVersion,
    exportedAt: now.toISOString(),
    run,
    dataset: dataset ? { id: dataset.id, name: dataset.name, kind: dataset.kind, root: dataset.root } : null,
    checkpoints: listCheckpoints(db, runId).map((c) => c.step),
    metrics: metricSeries(db, runId),
  };
}
