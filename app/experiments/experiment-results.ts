import type { RunEvaluation } from '../demo/demo-evaluate.js';
import { metricRows, type MetricRow } from '../demo/demo-table.js';
import type { IdentificationReport, PairSetMetrics } from '../eval/index.js';
import {
  armStatistics,
  pairedDifference,
  pairedMethod,
  type ArmStatistics,
  type PairedDifference,
} from '../eval/paired-statistics.js';
import type { LabDatabase } from '../store/db.js';
import { getEvaluation } from '../store/evaluations-repo.js';
import { getExperiment, listExperimentCells, type ExperimentRecord } from '../store/experiments-repo.js';
import { getRunRecord } from '../store/runs-repository.js';
import type { ExperimentArm, ExperimentSpec, RunStatus } from '../vocabulary/index.js';
import { parseExperimentSpec } from './experiment-plan.js';

// An experiment's state and results from the store: each cell's run (status, step), and for each
// variant and metric the mean and sd of both arms and the paired DDL − classification-only
// difference over the seeds where both arms are evaluated, with its 95 % CI and p.

export interface MetricResult {
  key: string;
  label: string;
  better: 'higher' | 'lower';
  clsOnly: ArmStatistics;
  ddl: ArmStatistics;
  difference: PairedDifference;
  perSeed: { seed: number; clsOnly: number | null; ddl: number | null }[];
}

export interface VariantResult {
  name: string;
  /** Seeds whose two fine-tunes are both evaluated (the pairs the statistics use). */
  seeds: number[];
  metrics: MetricResult[];
}

export interface ExperimentCellView {
  seed: number;
  variant: string;
  arm: ExperimentArm;
  runId: number | null;
  status: RunStatus | null;
  step: number;
  totalSteps: number;
  evaluationId: number | null;
}

export interface ExperimentView {
  id: number;
  name: string;
  status: ExperimentRecord['status'];
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  spec: ExperimentSpec;
  /** Cells done (completed, and evaluated unless stage 1) of all the experiment has. */
  progress: { done: number; total: number };
  cells: ExperimentCellView[];
  method: string;
  variants: VariantResult[];
}

const byType = (e: RunEvaluation, type: string): PairSetMetrics | undefined =>
  e.verification.byType.find((m) => m.type === type);

/** The demo's rows and a few more per pair type, so every type has accuracy, AUC and TAR. */
export function experimentMetricRows(): MetricRow[] {
  const rows = metricRows();
  const have = new Set(rows.map((r) => r.key));
  for (const type of ['easy-easy', 'easy-hard', 'hard-hard'] as const) {
    const extra: MetricRow[] = [
      {
        key: `${type}.accuracy`,
        label: `${type} 10-fold accuracy`,
        better: 'higher',
        digits: 3,
        get: (e) => byType(e, type)?.accuracy?.mean ?? null,
      },
      {
        key: `${type}.auc`,
        label: `${type} AUC`,
        better: 'higher',
        digits: 3,
        get: (e) => byType(e, type)?.auc ?? null,
      },
      {
        key: `${type}.tar1e-1`,
        label: `${type} TAR@FAR=1e-1`,
        better: 'higher',
        digits: 3,
        get: (e) => byType(e, type)?.tarAtFar.find((t) => t.far === 1e-1)?.tar ?? null,
      },
    ];
    for (const row of extra) if (!have.has(row.key)) rows.push(row);
  }
  return rows;
}

const noIdentification: IdentificationReport = {
  probes: 0,
  evaluatedProbes: 0,
  probesWithoutGalleryIdentity: 0,
  galleryImages: 0,
  galleryIdentities: 0,
  rank1: null,
  rank5: null,
  cmc: [],
  tieRule: 'ties-count-against',
};

function storedEvaluation(db: LabDatabase, evaluationId: number | null): RunEvaluation | null {
  if (evaluationId === null) return null;
  const e = getEvaluation(db, evaluationId);
  if (!e || e.status !== 'completed' || !e.report) return null;
  return {
    runId: e.runId,
    evaluationId: e.id,
    step: e.checkpointStep ?? 0,
    verification: e.report,
    identification: e.identification ?? noIdentification,
  };
}

export function experimentView(db: LabDatabase, experimentId: number): ExperimentView | undefined {
  const record = getExperiment(db, experimentId);
  if (!record) return undefined;
  const { spec } = parseExperimentSpec(record.spec, `experiment ${experimentId}`);
  const stored = listExperimentCells(db, experimentId);
  const cells: ExperimentCellView[] = stored.map((c) => {
    const run = c.runId === null ? undefined : getRunRecord(db, c.runId);
    return {
      seed: c.seed,
      variant: c.variant,
      arm: c.arm,
      runId: run?.id ?? null,
      status: run?.status ?? null,
      step: run?.lastStep ?? 0,
      totalSteps: run?.totalSteps ?? 0,
      evaluationId: c.evaluationId,
    };
  });
  const needsStage1 = spec.variants.some((v) => v.parentRunId === undefined);
  const total = spec.seeds.length * ((needsStage1 ? 1 : 0) + 2 * spec.variants.length);
  const done = cells.filter((c) => c.status === 'completed' && (c.arm === 'stage1' || c.evaluationId !== null)).length;

  const rows = experimentMetricRows();
  const evaluationOf = (seed: number, variant: string, arm: ExperimentArm) =>
    storedEvaluation(
      db,
      stored.find((c) => c.seed === seed && c.variant === variant && c.arm === arm)?.evaluationId ?? null,
    );
  const variants = spec.variants.map((variant): VariantResult => {
    const pairs = spec.seeds
      .map((seed) => ({
        seed,
        ddl: evaluationOf(seed, variant.name, 'ddl'),
        cls: evaluationOf(seed, variant.name, 'classification'),
      }))
      .filter((p): p is { seed: number; ddl: RunEvaluation; cls: RunEvaluation } => p.ddl !== null && p.cls !== null);
    return {
      name: variant.name,
      seeds: pairs.map((p) => p.seed),
      metrics: rows.map((row) => {
        const ddl = pairs.map((p) => row.get(p.ddl));
        const cls = pairs.map((p) => row.get(p.cls));
        return {
          key: row.key,
          label: row.label,
          better: row.better,
          clsOnly: armStatistics(cls),
          ddl: armStatistics(ddl),
          difference: pairedDifference(ddl, cls),
          perSeed: pairs.map((p, i) => ({ seed: p.seed, clsOnly: cls[i]!, ddl: ddl[i]! })),
        };
      }),
    };
  });
  return {
    id: record.id,
    name: record.name,
    status: record.status,
    error: record.error,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    spec,
    progress: { done, total },
    cells,
    method: pairedMethod,
    variants,
  };
}
