import type {
  EvaluationDetail,
  EvaluationSummary,
  NumericBin,
  PairType,
  VerificationMetrics,
} from '../contract/index.js';
import { isPairType } from '../contract/index.js';
import type {
  HistogramCounts,
  PairSetMetrics,
  PairTypeGap,
  ScoreHistograms,
  VerificationReport,
  IdentificationReport,
} from '../../eval/index.js';
import type { EvaluationRecord, EvaluationSummaryRecord } from '../../store/evaluations-repo.js';
import { apiId } from './ids.js';

// Stored evaluations (app/eval's VerificationReport inside) -> the contract's chart-ready shapes.

function bins(histogram: ScoreHistograms, counts: HistogramCounts): NumericBin[] {
  const width = (histogram.max - histogram.min) / histogram.bins;
  return counts.counts.map((count, r) => ({
    x0: histogram.min + r * width,
    x1: histogram.min + (r + 1) * width,
    count,
  }));
}

export function verificationMetrics(set: PairSetMetrics): VerificationMetrics {
  const { distributions } = set;
  return {
    pairs: set.pairs,
    genuine: set.genuine,
    impostor: set.impostor,
    accuracy: set.accuracy?.mean ?? null,
    accuracySd: set.accuracy?.sd ?? null,
    auc: set.auc,
    eer: set.eer?.rate ?? null,
    tarAtFar: set.tarAtFar.map((t) => ({ far: t.far, tar: t.tar })),
    meanGenuine: distributions.genuine?.mean ?? null,
    meanImpostor: distributions.impostor?.mean ?? null,
    margin: distributions.margin,
    ...(set.hardestImpostor
      ? { meanHardestImpostor: set.hardestImpostor.mean, hardestMargin: set.hardestImpostor.margin }
      : {}),
    overlap: distributions.overlap,
    dPrime: distributions.dPrime,
    roc: (set.roc?.points ?? []).map((p) => ({ far: p.far, tar: p.tar })),
    genuineHistogram: bins(distributions.histogram, distributions.histogram.genuine),
    impostorHistogram: bins(distributions.histogram, distributions.histogram.impostor),
  };
}

const gapMetrics = ['accuracy', 'auc', 'eer', 'margin', 'dPrime', 'overlap'] as const;

function gapRows(gaps: PairTypeGap[]): EvaluationDetail['gaps'] {
  return gaps
    .filter((g) => isPairType(g.reference) && isPairType(g.type))
    .flatMap((g) => [
      ...gapMetrics.map((metric) => ({
        metric,
        from: g.reference as PairType,
        to: g.type as PairType,
        value: g[metric],
      })),
      ...g.tarAtFar.map((t) => ({
        metric: `tar@${t.far}`,
        from: g.reference as PairType,
        to: g.type as PairType,
        value: t.gap,
      })),
    ]);
}

export function evaluationMetrics(report: VerificationReport, identification: IdentificationReport | null) {
  const byType: EvaluationDetail['byType'] = {};
  for (const set of report.byType) if (isPairType(set.type)) byType[set.type] = verificationMetrics(set);
  const gaps = gapRows(report.gaps);
  return {
    overall: verificationMetrics(report.overall),
    byType,
    gaps,
    identification:
      identification && identification.rank1 !== null && identification.rank5 !== null
        ? {
            rank1: identification.rank1,
            rank5: identification.rank5,
            probes: identification.evaluatedProbes,
            gallery: identification.galleryImages,
          }
        : null,
    accuracy: report.overall.accuracy?.mean ?? null,
    easyHardGap:
      gaps.find((g) => g.metric === 'accuracy' && g.from === 'easy-easy' && g.to === 'easy-hard')?.value ?? null,
  };
}

export function evaluationSummary(record: EvaluationSummaryRecord): EvaluationSummary {
  return {
    id: apiId(record.id),
    runId: apiId(record.runId),
    datasetId: apiId(record.datasetId),
    pairListId: apiId(record.pairListId),
    status: record.status,
    createdAt: record.createdAt,
    flipTest: record.flipTest,
    checkpointStep: record.checkpointStep,
    accuracy: record.accuracy,
    easyHardGap: record.easyHardGap,
    error: record.error,
  };
}

export function evaluationDetail(record: EvaluationRecord): EvaluationDetail {
  return {
    ...evaluationSummary(record),
    threshold: record.threshold,
    ...evaluationMetrics(record.report, record.identification),
  };
}
