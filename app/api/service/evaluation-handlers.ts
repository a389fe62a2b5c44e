import { isPairType, LabApiError, type FailurePair, type PairType } from '../contract/index.js';
import { loadDatasetColumns, type DatasetColumns } from '../../data/dataset-columns.js';
import {
  EvaluationRequestError,
  resolveEvaluationTarget,
  runEvaluationProcess,
  type EvaluationRequestProblem,
} from '../../eval/run/index.js';
import type { LabDatabase } from '../../store/db.js';
import { listFailures, type FailureImage } from '../../store/evaluations-failures.js';
import {
  evaluationIdsOfRun,
  getEvaluation,
  listEvaluations,
  type EvaluationRecord,
} from '../../store/evaluations-repo.js';
import type { HandlersOf, ServiceContext } from './context.js';
import type { RunManagementMethod } from './run-management-handlers.js';
import { filterPredicate } from './dataset-view.js';
import { evaluationDetail, evaluationSummary } from './evaluation-view.js';
import { apiId, dbId } from './ids.js';

// evaluations.*: a run's checkpoint on a pair list, evaluated by app/eval/run (verification per pair
// type and the gaps, identification, failures, per-image hardness) and stored in the lab database
// (migration 3), so evaluations survive a restart. Each evaluation runs in its own process
// (app/eval/run's eval-worker, through the shell's launcher) so the app stays responsive; the
// worker stores the result and the job reports its progress.

/** The lab database's evaluations, as the rest of the service asks for them. */
export class EvaluationStore {
  private database: (() => LabDatabase) | undefined;

  constructor(db?: () => LabDatabase) {
    this.database = db;
  }

  /** Where the evaluations are (the service's database, opened on first use). */
  connect(db: () => LabDatabase): void {
    this.database = db;
  }

  private db(): LabDatabase {
    if (!this.database)
      throw new Error('EvaluationStore: no database connected; evaluationHandlers() connects the service database.');
    return this.database();
  }

  get(id: string): EvaluationRecord {
    const found = /^\d{1,15}$/.test(id) ? getEvaluation(this.db(), Number(id)) : undefined;
    if (!found)
      throw new LabApiError(
        'not_found',
        `No evaluation with id "${id}"; evaluations.list shows the evaluations there are.`,
      );
    return found;
  }

  /** Evaluation ids of a run, newest first. */
  idsOf(runId: number): string[] {
    return evaluationIdsOfRun(this.db(), runId).map(apiId);
  }
}

/** The LabApi error code of each reason app/eval/run refuses an evaluation for. */
export const requestErrorCodes: Record<EvaluationRequestProblem, 'not_found' | 'conflict'> = {
  'unknown-run': 'not_found',
  'unknown-pair-list': 'not_found',
  'unknown-checkpoint': 'not_found',
  'unknown-split': 'not_found',
  'no-checkpoint': 'conflict',
  'missing-checkpoint': 'conflict',
};

function columnValue(columns: DatasetColumns, name: string, i: number): number | string | null {
  const column = columns.attributes.get(name)!;
  if (column.kind === 'numeric') return Number.isNaN(column.values[i]!) ? null : column.values[i]!;
  return column.codes[i]! < 0 ? null : (column.categories[column.codes[i]!] ?? null);
}

function failureImage(columns: DatasetColumns, image: FailureImage) {
  const i = columns.idToIdx.get(image.imageId);
  const attributes: Record<string, number | string | null> = {};
  if (i !== undefined) for (const name of columns.attributes.keys()) attributes[name] = columnValue(columns, name, i);
  return {
    datasetId: apiId(image.datasetId ?? columns.datasetId),
    imageId: apiId(image.imageId),
    identity: image.identity,
    path: image.path,
    attributes,
  };
}

export function evaluationHandlers(
  context: ServiceContext,
  store: EvaluationStore,
): Omit<HandlersOf<'evaluations'>, RunManagementMethod> {
  const db = () => context.db();
  store.connect(db);

  return {
    'evaluations.run': async ({ runId, pairListId, flipTest, checkpointStep, threshold }) => {
      const request = { runId: dbId(runId, 'run'), pairListId: dbId(pairListId, 'pair list'), checkpointStep };
      try {
        resolveEvaluationTarget(db(), { ...request, dataDir: context.options.dataDir }); // refuse now what the job would refuse
      } catch (error) {
        if (!(error instanceof EvaluationRequestError)) throw error;
        const field = error.field === 'splitId' ? undefined : error.field;
        throw new LabApiError(
          requestErrorCodes[error.problem],
          `${error.message[0]!.toUpperCase()}${error.message.slice(1)}`,
          field,
        );
      }
      const job = context.jobs.start('evaluation', async ({ signal, progress }) => {
        const { evaluationId } = await runEvaluationProcess({
          dataDir: context.options.dataDir,
          request: { ...request, flipTest, threshold },
          launcher: context.options.evaluationLauncher,
          signal,
          onProgress: progress,
        });
        return { evaluationId: apiId(evaluationId) };
      });
      return { jobId: job.id };
    },

    'evaluations.get': async ({ evaluationId }) => evaluationDetail(store.get(evaluationId)),

    'evaluations.list': async ({ runId }) => {
      if (runId !== undefined && !/^\d{1,15}$/.test(runId)) return { evaluations: [] };
      return {
        evaluations: listEvaluations(db(), { runId: runId === undefined ? undefined : Number(runId) }).map(
          evaluationSummary,
        ),
      };
    },

    'evaluations.failures': async ({ evaluationId, offset, limit, kind, pairType, filters }) => {
      const evaluation = store.get(evaluationId);
      const columns = loadDatasetColumns(db(), evaluation.datasetId);
      const tests = filters.map((f, k) => filterPredicate(columns, f, `filters.${k}`));
      const matches = (imageId: number) => {
        const i = columns.idToIdx.get(imageId);
        return i !== undefined && tests.every((test) => test(i));
      };
      const page = listFailures(db(), evaluation.id, {
        kind: kind === 'all' ? undefined : kind,
        pairType,
        offset,
        limit,
        keep: tests.length > 0 ? (a, b) => matches(a) || matches(b) : undefined,
      });
      const items: FailurePair[] = page.items.map((f) => ({
        id: `${evaluation.id}-${f.pairIdx}`,
        kind: f.kind,
        pairType: isPairType(f.pairType) ? f.pairType : null,
        score: f.score,
        threshold: evaluation.threshold ?? f.score,
        a: failureImage(columns, f.image1),
        b: failureImage(columns, f.image2),
      }));
      return { total: page.total, offset, items };
    },

    'evaluations.compare': async ({ a, b }) => {
      const left = evaluationDetail(store.get(a));
      const right = evaluationDetail(store.get(b));
      const rows: Array<{
        metric: string;
        pairType: PairType | 'overall' | 'gap';
        a: number | null;
        b: number | null;
        delta: number | null;
      }> = [];
      const push = (
        metric: string,
        pairType: PairType | 'overall' | 'gap',
        x: number | null | undefined,
        y: number | null | undefined,
      ) => {
        const av = x ?? null;
        const bv = y ?? null;
        rows.push({ metric, pairType, a: av, b: bv, delta: av !== null && bv !== null ? bv - av : null });
      };
      const sets: Array<PairType | 'overall'> = ['overall', 'easy-easy', 'easy-hard', 'hard-hard'];
      for (const set of sets) {
        const x = set === 'overall' ? left.overall : left.byType[set];
        const y = set === 'overall' ? right.overall : right.byType[set];
        if (!x && !y) continue;
        for (const metric of ['accuracy', 'auc', 'eer', 'margin', 'overlap', 'dPrime'] as const)
          push(metric, set, x?.[metric], y?.[metric]);
        for (const t of (x ?? y)!.tarAtFar) {
          push(
            `tar@${t.far}`,
            set,
            x?.tarAtFar.find((p) => p.far === t.far)?.tar,
            y?.tarAtFar.find((p) => p.far === t.far)?.tar,
          );
        }
      }
      for (const gap of left.gaps) {
        const other = right.gaps.find((g) => g.metric === gap.metric && g.from === gap.from && g.to === gap.to);
        push(`${gap.metric} ${gap.from} → ${gap.to}`, 'gap', gap.value, other?.value);
      }
      return { a: left, b: right, rows };
    },
  };
}
