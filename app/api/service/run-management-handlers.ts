import { LabApiError, type Benchmark, type RunRemoval } from '../contract/index.js';
import {
  benchmarkCells,
  compareRuns,
  comparisonCsv,
  evaluationJson,
  evaluationMetricsCsv,
  failuresCsv,
  listBenchmarks,
  RunComparisonError,
  runJson,
  runSeriesCsv,
  type BenchmarkRecord,
} from '../../export/index.js';
import type { LabDatabase } from '../../store/db.js';
import { getEvaluation } from '../../store/evaluations-repo.js';
import { RunAnnotationError, runRemoval, setRunNotes, setRunTags, tagCounts } from '../../store/run-annotations.js';
import { renameRun, type RunRecord } from '../../store/runs-repository.js';
import type { RunManager } from '../../train/run-manager.js';
import type { HandlersOf, ServiceContext } from './context.js';
import { apiId, dbId } from './ids.js';
import { runSummary } from './run-view.js';

// Run management (rename, notes, tags, delete with what it removes), the benchmarks any run can be
// evaluated on, the benchmark table, the comparison of any number of runs, and downloadable files
// made by app/export (the same functions as the CLI's exports).

type Handlers = HandlersOf<'runs'> & HandlersOf<'evaluations'> & HandlersOf<'exports'>;
export type RunManagementMethod =
  | 'runs.update'
  | 'runs.removal'
  | 'runs.delete'
  | 'runs.tags'
  | 'runs.compare'
  | 'evaluations.benchmarks'
  | 'evaluations.table'
  | 'exports.file';

function benchmark(record: BenchmarkRecord): Benchmark {
  return {
    id: apiId(record.id),
    name: record.name,
    pairCount: record.pairCount,
    genuineCount: record.genuineCount,
    impostorCount: record.impostorCount,
    byType: record.byType,
    datasetId: apiId(record.datasetId),
    datasetName: record.datasetName,
    folds: Math.max(1, record.folds),
  };
}

/** A file name from a run or evaluation name: letters, digits, dot, dash, underscore. */
const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'export';

function comparisonError(error: unknown): never {
  if (error instanceof RunComparisonError) {
    throw new LabApiError(
      error.field === 'runIds' && error.message.startsWith('there is no run') ? 'not_found' : 'invalid_params',
      `${error.message[0]!.toUpperCase()}${error.message.slice(1)}.`,
      error.field,
    );
  }
  throw error;
}

export function runManagementHandlers(
  context: ServiceContext,
  runs: () => RunManager,
): Pick<Handlers, RunManagementMethod> {
  const db = (): LabDatabase => context.db();
  const requireRun = (runId: string): RunRecord => {
    const run = /^\d{1,15}$/.test(runId) ? runs().get(Number(runId)) : undefined;
    if (!run) throw new LabApiError('not_found', `No run with id "${runId}". runs.list shows the runs there are.`);
    return run;
  };
  const removal = (run: RunRecord, blockedBy: string | null): RunRemoval => {
    const counted = runRemoval(db(), context.options.dataDir, run.id);
    return { runId: apiId(run.id), name: run.name || `run ${run.id}`, ...counted, blockedBy };
  };
  const requireEvaluation = (evaluationId: string) => {
    const found = /^\d{1,15}$/.test(evaluationId) ? getEvaluation(db(), Number(evaluationId)) : undefined;
    if (!found)
      throw new LabApiError('not_found', `No evaluation with id "${evaluationId}"; evaluations.list shows them.`);
    return found;
  };
  const compare = (runIds: string[], baselineRunId: string | undefined) => {
    const ids = runIds.map((id) => requireRun(id).id);
    try {
      return compareRuns(db(), ids, baselineRunId === undefined ? ids[0] : dbId(baselineRunId, 'run'));
    } catch (error) {
      return comparisonError(error);
    }
  };

  return {
    'runs.update': async ({ runId, name, notes, tags }) => {
      const run = requireRun(runId);
      try {
        db().transaction(() => {
          if (name !== undefined) renameRun(db(), run.id, name);
          if (notes !== undefined) setRunNotes(db(), run.id, notes);
          if (tags !== undefined) setRunTags(db(), run.id, tags);
        })();
      } catch (error) {
        if (error instanceof RunAnnotationError)
          throw new LabApiError(
            'invalid_params',
            `${error.message[0]!.toUpperCase()}${error.message.slice(1)}.`,
            error.field,
          );
        throw error;
      }
      return runSummary(db(), requireRun(runId));
    },

    'runs.removal': async ({ runId }) => {
      const run = requireRun(runId);
      return removal(run, runs().deletionBlocker(run.id));
    },

    'runs.delete': async ({ runId }) => {
      const run = requireRun(runId);
      const blocker = runs().deletionBlocker(run.id);
      if (blocker) throw new LabApiError('conflict', `${blocker[0]!.toUpperCase()}${blocker.slice(1)}.`);
      const removed = removal(run, null);
      runs().delete(run.id);
      return removed;
    },

    'runs.tags': async () => ({ tags: tagCounts(db()) }),

    'runs.compare': async ({ runIds, baselineRunId }) => {
      const comparison = compare(runIds, baselineRunId);
      return {
        baselineRunId: apiId(comparison.baselineRunId),
        runs: comparison.runs.map((r) => ({ id: apiId(r.id), name: r.name })),
        lines: comparison.lines.map((l) => ({ ...l, pairListId: l.pairListId === null ? null : apiId(l.pairListId) })),
      };
    },

    'evaluations.benchmarks': async () => ({ benchmarks: listBenchmarks(db()).map(benchmark) }),

    'evaluations.table': async ({ runIds }) => ({
      benchmarks: listBenchmarks(db()).map(benchmark),
      cells: benchmarkCells(
        db(),
        runIds?.map((id) => (/^\d{1,15}$/.test(id) ? Number(id) : -1)),
      ).map((c) => ({
        ...c,
        runId: apiId(c.runId),
        pairListId: apiId(c.pairListId),
        evaluationId: apiId(c.evaluationId),
      })),
    }),

    'exports.file': async (request) => {
      switch (request.kind) {
        case 'run-series-csv':
        case 'run-json': {
          const run = requireRun(request.runId);
          const base = `${safe(run.name || 'run')}-run${run.id}`;
          return request.kind === 'run-series-csv'
            ? { fileName: `${base}-series.csv`, mimeType: 'text/csv', content: runSeriesCsv(db(), run.id) }
            : {
                fileName: `${base}.json`,
                mimeType: 'application/json',
                content: `${JSON.stringify(runJson(db(), run.id), null, 2)}\n`,
              };
        }
        case 'evaluation-json':
        case 'evaluation-csv':
        case 'failures-csv': {
          const evaluation = requireEvaluation(request.evaluationId);
          const base = `evaluation${evaluation.id}-run${evaluation.runId}`;
          if (request.kind === 'evaluation-json')
            return {
              fileName: `${base}.json`,
              mimeType: 'application/json',
              content: `${JSON.stringify(evaluationJson(db(), evaluation.id), null, 2)}\n`,
            };
          return request.kind === 'evaluation-csv'
            ? {
                fileName: `${base}-metrics.csv`,
                mimeType: 'text/csv',
                content: evaluationMetricsCsv(db(), evaluation.id),
              }
            : { fileName: `${base}-failures.csv`, mimeType: 'text/csv', content: failuresCsv(db(), evaluation.id) };
        }
        case 'comparison-csv': {
          const comparison = compare(request.runIds, request.baselineRunId);
          return {
            fileName: `comparison-runs-${comparison.runs.map((r) => r.id).join('-')}.csv`,
            mimeType: 'text/csv',
            content: comparisonCsv(comparison),
          };
        }
      }
    },
  };
}
