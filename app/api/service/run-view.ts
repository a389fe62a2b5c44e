import { lossTermNames, type MetricPoint, type RunConfig, type RunSummary } from '../contract/index.js';
import type { LabDatabase } from '../../store/db.js';
import { getRunExecution } from '../../store/runs-executor.js';
import type { RunRecord } from '../../store/runs-repository.js';
import { latestMetrics, metricSeries } from '../../store/runs-series.js';
import { runNotes, runTags } from '../../store/run-annotations.js';
import { apiId } from './ids.js';

// Run records and series -> the contract's run shapes.

const termNames = new Set<string>(lossTermNames);
const rowFields = new Set(['time', 'lr', 'imagesPerSecond']);

export function runSummary(db: LabDatabase, run: RunRecord): RunSummary {
  const config = run.config as { objective?: 'ddl' | 'classification' };
  return {
    id: apiId(run.id),
    name: run.name || `run ${run.id}`,
    datasetId: apiId(run.datasetId),
    splitId: apiId(run.splitId),
    stage: run.stage,
    parentRunId: run.parentRunId === null ? null : apiId(run.parentRunId),
    objective: run.stage === 2 ? (config.objective ?? 'ddl') : 'classification',
    status: run.status,
    backend: run.backend,
    seed: run.seed,
    step: run.lastStep,
    totalSteps: run.totalSteps,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    lastLoss: latestMetrics(db, run.id).total?.value ?? null,
    notes: runNotes(db, run.id),
    tags: runTags(db, run.id),
    ...executionFields(db, run.id),
  };
}

function executionFields(db: LabDatabase, runId: number): Pick<RunSummary, 'executor' | 'jobId' | 'jobState'> {
  const execution = getRunExecution(db, runId);
  return {
    executor: execution?.executor ?? 'local',
    jobId: execution?.jobId ?? null,
    jobState: execution?.jobState ?? null,
  };
}

const pick = <T extends object>(source: T | undefined, keys: readonly string[]) =>
  source === undefined
    ? undefined
    : Object.fromEntries(keys.filter((k) => k in source).map((k) => [k, (source as Record<string, unknown>)[k]]));

/** The stored (resolved) config as the contract spells it: string ids, known fields only. */
export function contractRunConfig(run: RunRecord): RunConfig {
  const stored = run.config as Record<string, any>;
  const config: Record<string, unknown> = {
    ...pick(stored, [
      'stage',
      'objective',
      'ddl',
      'batchSize',
      'steps',
      'lr',
      'momentum',
      'weightDecay',
      'clipGradNorm',
      'schedule',
      'seed',
      'flip',
      'histogramEvery',
      'checkpointEvery',
      'keepCheckpoints',
      'parentCheckpointStep',
    ]),
    name: run.name || undefined,
    datasetId: apiId(run.datasetId),
    splitId: apiId(run.splitId),
    parentRunId: run.parentRunId === null ? undefined : apiId(run.parentRunId),
    backbone: pick(stored.backbone, ['name', 'inputSize', 'embeddingSize', 'widths', 'depths', 'dropout', 'seed']),
    head: pick(stored.head, ['type', 's', 'm', 'tMomentum']),
  };
  for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
  return config as RunConfig;
}

/** Per-step rows after `sinceStep`, oldest first, at most `limit`. */
export function metricRows(db: LabDatabase, runId: number, sinceStep: number, limit: number): MetricPoint[] {
  const series = metricSeries(db, runId, { afterStep: sinceStep });
  const rows = new Map<number, MetricPoint>();
  for (const [name, points] of Object.entries(series)) {
    for (const point of points) {
      let row = rows.get(point.step);
      if (!row)
        rows.set(
          point.step,
          (row = { step: point.step, time: 0, lr: null, imagesPerSecond: null, terms: {}, extras: {} }),
        );
      if (point.value === null) continue;
      if (name === 'time') row.time = point.value;
      else if (name === 'lr') row.lr = point.value;
      else if (name === 'imagesPerSecond') row.imagesPerSecond = point.value;
      else if (termNames.has(name)) row.terms[name] = point.value;
      else if (!rowFields.has(name)) row.extras[name] = point.value;
    }
  }
  return [...rows.values()].sort((a, b) => a.step - b.step).slice(0, limit);
}
