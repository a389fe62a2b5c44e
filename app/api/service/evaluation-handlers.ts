import { LabApiError, type EvaluationDetail, type EvaluationSummary, type FailurePair, type PairType } from '../contract/index.js';
import { loadDatasetColumns, type DatasetColumns } from '../../data/dataset-columns.js';
import { computeVerificationReport, galleryAndProbes, identification, mineFailures, type FailureReport } from '../../eval/index.js';
import type { LabDatabase } from '../../store/db.js';
import { getImage, identityNames } from '../../store/images-repo.js';
import { getPairList, loadPairs, type PairColumns } from '../../store/pairs-repo.js';
import { splitMembers } from '../../store/splits-repo.js';
import { pairScores } from '../../train/demo/checkpoint-embeddings.js';
import type { RunManager } from '../../train/run-manager.js';
import type { HandlersOf, ServiceContext } from './context.js';
import { filterPredicate } from './dataset-view.js';
import { evaluationMetrics } from './evaluation-view.js';
import { apiId, dbId } from './ids.js';
import type { RunEmbeddings } from './run-embeddings.js';

// evaluations.*: a run's latest checkpoint on a pair list, scored with app/eval (verification per
// pair type and the gaps, identification, failure mining). Kept in memory for this session: the
// evaluation store (tables for evaluations and failures) belongs to the evaluation issue and does
// not exist yet, so evaluations do not survive a restart.

interface Evaluation {
  detail: EvaluationDetail;
  datasetId: number;
  pairs: PairColumns;
  failures: FailureReport | null;
}

/** Failures kept per kind and pair type: plenty for a gallery, bounded for memory. */
const failuresPerType = 500;

/** Pair types from the run's split when the list has none (both images in the split's dataset). */
function typesFromSplit(pairs: PairColumns, hardIds: Set<number>, easyIds: Set<number>): Array<PairType | null> {
  const side = (id: number) => (hardIds.has(id) ? 'hard' : easyIds.has(id) ? 'easy' : null);
  return Array.from(pairs.image1Ids, (a, i) => {
    const sa = side(a);
    const sb = side(pairs.image2Ids[i]!);
    if (!sa || !sb) return null;
    return sa === 'easy' && sb === 'easy' ? 'easy-easy' : sa === 'hard' && sb === 'hard' ? 'hard-hard' : 'easy-hard';
  });
}

export class EvaluationStore {
  private readonly evaluations = new Map<string, Evaluation>();
  private counter = 0;

  add(evaluation: Omit<Evaluation, 'detail'> & { detail: Omit<EvaluationDetail, 'id'> }): string {
    this.counter += 1;
    const id = String(this.counter);
    this.evaluations.set(id, { ...evaluation, detail: { ...evaluation.detail, id } });
    return id;
  }

  get(id: string): Evaluation {
    const found = this.evaluations.get(id);
    if (!found) throw new LabApiError('not_found', `No evaluation with id "${id}" in this session (evaluations are kept until the lab restarts).`);
    return found;
  }

  list(runId?: string): Evaluation[] {
    return [...this.evaluations.values()].filter((e) => runId === undefined || e.detail.runId === runId).reverse();
  }

  idsOf(runId: number): string[] {
    return this.list(apiId(runId)).map((e) => e.detail.id);
  }
}

function summaryOf(detail: EvaluationDetail): EvaluationSummary {
  const { id, runId, datasetId, pairListId, status, createdAt, flipTest, accuracy, easyHardGap, error } = detail;
  return { id, runId, datasetId, pairListId, status, createdAt, flipTest, accuracy, easyHardGap, error };
}

function failureImage(db: LabDatabase, columns: DatasetColumns, names: readonly string[], imageId: number) {
  const image = getImage(db, imageId);
  const i = columns.idToIdx.get(imageId);
  const attributes: Record<string, number | string | null> = {};
  if (i !== undefined) {
    for (const [name, column] of columns.attributes) {
      if (column.kind === 'numeric') attributes[name] = Number.isNaN(column.values[i]!) ? null : column.values[i]!;
      else attributes[name] = column.codes[i]! < 0 ? null : column.categories[column.codes[i]!] ?? null;
    }
  }
  return {
    datasetId: apiId(columns.datasetId), imageId: apiId(imageId),
    identity: image ? names[image.identityIdx] ?? '' : '', path: image?.path ?? '', attributes,
  };
}

export function evaluationHandlers(context: ServiceContext, runs: () => RunManager, embeddings: RunEmbeddings, store: EvaluationStore): HandlersOf<'evaluations'> {
  const db = () => context.db();

  const evaluate = async (runId: number, pairListId: number, progress: (phase: string, done: number, total: number | null) => void) => {
    const run = runs().get(runId)!;
    const list = getPairList(db(), pairListId)!;
    const embedded = await embeddings.embeddings(runId, list.datasetId, (done, total) => progress('embedding', done, total));
    progress('scoring', 0, null);
    const pairs = loadPairs(db(), pairListId);
    const scores = pairScores(embedded, pairs.image1Ids, pairs.image2Ids);
    const members = list.datasetId === run.datasetId ? splitMembers(db(), run.splitId) : undefined;
    const listTyped = pairs.types.some((t) => t !== null);
    const types = listTyped ? pairs.types : members ? typesFromSplit(pairs, new Set(members.hard), new Set(members.easy)) : null;
    const typeNames = types ? types.map((t) => t ?? 'untyped') : null;
    const report = computeVerificationReport(scores, pairs.same, typeNames);
    let failures: FailureReport | null = null;
    try {
      failures = mineFailures(scores, pairs.same, typeNames, { limit: failuresPerType });
    } catch {
      failures = null; // no impostor pairs: no threshold at a FAR, so no failures to show
    }
    let ident = null;
    if (members) {
      const hardIds = new Set(members.hard);
      const hard = new Uint8Array(embedded.labels.length);
      for (const [id, row] of embedded.rowOf) hard[row] = hardIds.has(id) ? 1 : 0;
      const split = galleryAndProbes(embedded.embeddings, embedded.labels, hard);
      if (split.probeRows.length > 0 && split.galleryRows.length > 0) ident = identification({ gallery: split.gallery, probes: split.probes });
    }
    return { list, pairs, report, failures, ident };
  };

  return {
    'evaluations.run': async ({ runId, pairListId, flipTest }) => {
      const run = runs().get(dbId(runId, 'run'));
      if (!run) throw new LabApiError('not_found', `No run with id "${runId}".`);
      embeddings.checkpointOf(run.id);
      const list = getPairList(db(), dbId(pairListId, 'pair list'));
      if (!list) throw new LabApiError('not_found', `No pair list with id "${pairListId}"; datasets.get lists a dataset's pair lists.`);
      if (flipTest) throw new LabApiError('not_available', 'The flip-test (embedding each image and its mirror) is not available yet: app/eval has no flip-test embeddings. Evaluate without it.', 'flipTest');
      const job = context.jobs.start('evaluation', async ({ signal, progress }) => {
        const result = await evaluate(run.id, list.id, progress);
        signal.throwIfAborted();
        const metrics = evaluationMetrics(result.report, result.ident);
        const evaluationId = store.add({
          datasetId: list.datasetId,
          pairs: result.pairs,
          failures: result.failures,
          detail: {
            runId: apiId(run.id), datasetId: apiId(list.datasetId), pairListId: apiId(list.id), status: 'completed',
            createdAt: new Date().toISOString(), flipTest: false, error: null, threshold: result.failures?.threshold ?? null, ...metrics,
          },
        });
        return { evaluationId };
      });
      return { jobId: job.id };
    },

    'evaluations.get': async ({ evaluationId }) => store.get(evaluationId).detail,

    'evaluations.list': async ({ runId }) => ({ evaluations: store.list(runId).map((e) => summaryOf(e.detail)) }),

    'evaluations.failures': async ({ evaluationId, offset, limit, kind, pairType, filters }) => {
      const evaluation = store.get(evaluationId);
      const report = evaluation.failures;
      if (!report) return { total: 0, offset, items: [] };
      const columns = loadDatasetColumns(db(), evaluation.datasetId);
      const tests = filters.map((f, k) => filterPredicate(columns, f, `filters.${k}`));
      const names = identityNames(db(), evaluation.datasetId);
      const { pairs, detail } = evaluation;
      const matchesFilters = (pair: number) => tests.length === 0 || [pairs.image1Ids[pair]!, pairs.image2Ids[pair]!].some((id) => {
        const i = columns.idToIdx.get(id);
        return i !== undefined && tests.every((test) => test(i));
      });
      // Worst first: how far each pair sits on the wrong side of the threshold.
      const candidates = [
        ...(kind === 'false-accept' ? [] : report.falseRejects.map((f) => ({ ...f, kind: 'false-reject' as const, badness: report.threshold - f.score }))),
        ...(kind === 'false-reject' ? [] : report.falseAccepts.map((f) => ({ ...f, kind: 'false-accept' as const, badness: f.score - report.threshold }))),
      ]
        .filter((f) => (pairType === undefined || f.type === pairType) && matchesFilters(f.pair))
        .sort((a, b) => b.badness - a.badness);
      const items: FailurePair[] = candidates.slice(offset, offset + limit).map((f) => ({
        id: `${detail.id}-${f.pair}`,
        kind: f.kind,
        pairType: f.type === 'easy-easy' || f.type === 'easy-hard' || f.type === 'hard-hard' ? f.type : null,
        score: f.score,
        threshold: report.threshold,
        a: failureImage(db(), columns, names, pairs.image1Ids[f.pair]!),
        b: failureImage(db(), columns, names, pairs.image2Ids[f.pair]!),
      }));
      return { total: candidates.length, offset, items };
    },

    'evaluations.compare': async ({ a, b }) => {
      const left = store.get(a).detail;
      const right = store.get(b).detail;
      const rows: Array<{ metric: string; pairType: PairType | 'overall' | 'gap'; a: number | null; b: number | null; delta: number | null }> = [];
      const push = (metric: string, pairType: PairType | 'overall' | 'gap', x: number | null | undefined, y: number | null | undefined) => {
        const av = x ?? null;
        const bv = y ?? null;
        rows.push({ metric, pairType, a: av, b: bv, delta: av !== null && bv !== null ? bv - av : null });
      };
      const sets: Array<PairType | 'overall'> = ['overall', 'easy-easy', 'easy-hard', 'hard-hard'];
      for (const set of sets) {
        const x = set === 'overall' ? left.overall : left.byType[set];
        const y = set === 'overall' ? right.overall : right.byType[set];
        if (!x && !y) continue;
        for (const metric of ['accuracy', 'auc', 'eer', 'margin', 'overlap', 'dPrime'] as const) push(metric, set, x?.[metric], y?.[metric]);
        for (const t of (x ?? y)!.tarAtFar) {
          push(`tar@${t.far}`, set, x?.tarAtFar.find((p) => p.far === t.far)?.tar, y?.tarAtFar.find((p) => p.far === t.far)?.tar);
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
