import type { LabDatabase } from '../store/db.js';
import { getRunRecord } from '../store/runs-repository.js';
import { latestMetrics } from '../store/runs-series.js';
import { benchmarkCells, listBenchmarks, type BenchmarkCellRecord } from './benchmark-table.js';
import { csvField, csvNumber } from './csv-field.js';

// Any number of runs side by side: the last training loss, then per benchmark (pair list) each
// headline metric of each run's latest evaluation, with deltas against a baseline run. The Runs
// page shows these lines and `comparisonCsv` writes the same lines as CSV.

export interface ComparedRun {
  id: number;
  name: string;
}

export interface ComparisonLineRecord {
  /** null for the training lines (not a benchmark). */
  pairListId: number | null;
  benchmark: string;
  metric: string;
  /** One per compared run, in the order asked; null where the run has no value. */
  values: Array<number | null>;
  /** values[i] - the baseline's value; null where either is missing (the baseline's own is 0). */
  deltas: Array<number | null>;
}

export interface RunComparison {
  baselineRunId: number;
  runs: ComparedRun[];
  lines: ComparisonLineRecord[];
}

export class RunComparisonError extends Error {
  constructor(
    message: string,
    readonly field: 'runIds' | 'baselineRunId',
  ) {
    super(message);
    this.name = 'RunComparisonError';
  }
}

const cellMetrics: Array<{ metric: string; value: (cell: BenchmarkCellRecord) => number | null }> = [
  { metric: 'accuracy', value: (c) => c.accuracy },
  { metric: 'auc', value: (c) => c.auc },
  { metric: 'eer', value: (c) => c.eer },
  { metric: 'easy-hard gap', value: (c) => c.easyHardGap },
];

export function compareRuns(db: LabDatabase, runIds: readonly number[], baselineRunId = runIds[0]): RunComparison {
  if (runIds.length === 0) throw new RunComparisonError('give at least one run to compare', 'runIds');
  const runs: ComparedRun[] = runIds.map((id) => {
    const run = getRunRecord(db, id);
    if (!run) throw new RunComparisonError(`there is no run ${id}; runs.list shows the runs there are`, 'runIds');
    return { id, name: run.name || `run ${id}` };
  });
  const base = runIds.indexOf(baselineRunId as number);
  if (base < 0)
    throw new RunComparisonError(
      `the baseline run ${baselineRunId} is not one of the compared runs (${runIds.join(', ')})`,
      'baselineRunId',
    );
  const line = (pairListId: number | null, benchmark: string, metric: string, values: Array<number | null>) => {
    const reference = values[base] ?? null;
    const deltas = values.map((v) => (v === null || reference === null ? null : v - reference));
    return { pairListId, benchmark, metric, values, deltas };
  };

  const lines: ComparisonLineRecord[] = [
    line(
      null,
      'training',
      'final loss',
      runIds.map((id) => latestMetrics(db, id).total?.value ?? null),
    ),
  ];
  const cells = benchmarkCells(db, runIds);
  for (const benchmark of listBenchmarks(db)) {
    const byRun = runIds.map((id) => cells.find((c) => c.runId === id && c.pairListId === benchmark.id));
    if (byRun.every((c) => c === undefined)) continue;
    const name = `${benchmark.datasetName} / ${benchmark.name}`;
    for (const { metric, value } of cellMetrics)
      lines.push(
        line(
          benchmark.id,
          name,
          metric,
          byRun.map((c) => (c ? value(c) : null)),
        ),
      );
    const fars = [...new Set(byRun.flatMap((c) => c?.tarAtFar.map((t) => t.far) ?? []))].sort((a, b) => b - a);
    for (const far of fars)
      lines.push(
        line(
          benchmark.id,
          name,
          `tar@far=${far}`,
          byRun.map((c) => c?.tarAtFar.find((t) => t.far === far)?.tar ?? null),
        ),
      );
  }
  return { baselineRunId: runIds[base]!, runs, lines };
}

/** The comparison as CSV: one row per line, a column per run, then a delta column per other run. */
export function comparisonCsv(comparison: RunComparison): string {
  const label = (run: ComparedRun) => `${run.name} [run ${run.id}]`;
  const baseline = comparison.runs.findIndex((r) => r.id === comparison.baselineRunId);
  const others = comparison.runs.map((_, i) => i).filter((i) => i !== baseline);
  const header = [
    'benchmark',
    'metric',
    ...comparison.runs.map((r) => csvField(label(r))),
    ...others.map((i) => csvField(`${label(comparison.runs[i]!)} - baseline`)),
  ];
  const rows = comparison.lines.map((l) =>
    [
      csvField(l.benchmark),
      csvField(l.metric),
      ...l.values.map((v) => (v === null ? '' : csvNumber(v))),
      ...others.map((i) => (l.deltas[i] === null ? '' : csvNumber(l.deltas[i]!))),
    ].join(','),
  );
  return `${[header.join(','), ...rows].join('\n')}\n`;
}
