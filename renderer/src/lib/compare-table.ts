import type { EvaluationDetail, PairType } from '../../../app/api/contract/index.js';
import { formatFar } from './format.js';

// The Runs page's comparison of two evaluations: per pair type, accuracy and TAR at each FAR,
// side by side, with the difference; gaps as rows for the side-by-side chart.

export type Scope = PairType | 'overall';
export const scopes: Scope[] = ['overall', 'easy-easy', 'easy-hard', 'hard-hard'];
export type TableScope = Scope | 'gaps' | 'identification';

export interface CompareRow {
  scope: TableScope;
  metric: string;
  a: number | null;
  b: number | null;
  /** b − a, null when either is missing. */
  delta: number | null;
  /** true when a larger value is better (accuracy, TAR, AUC, margin). */
  higherIsBetter: boolean;
  /** Show as a percentage. */
  percent: boolean;
}

function metricsOf(detail: EvaluationDetail, scope: Scope) {
  return scope === 'overall' ? detail.overall : detail.byType[scope];
}

export function compareRows(a: EvaluationDetail, b: EvaluationDetail): CompareRow[] {
  const rows: CompareRow[] = [];
  const push = (
    scope: Scope,
    metric: string,
    va: number | null | undefined,
    vb: number | null | undefined,
    higherIsBetter: boolean,
    percent: boolean,
  ) => {
    const x = va ?? null;
    const y = vb ?? null;
    rows.push({ scope, metric, a: x, b: y, delta: x === null || y === null ? null : y - x, higherIsBetter, percent });
  };
  for (const scope of scopes) {
    const ma = metricsOf(a, scope);
    const mb = metricsOf(b, scope);
    if (!ma && !mb) continue;
    push(scope, 'accuracy', ma?.accuracy, mb?.accuracy, true, true);
    const fars = [...new Set([...(ma?.tarAtFar ?? []), ...(mb?.tarAtFar ?? [])].map((t) => t.far))].sort(
      (x, y) => y - x,
    );
    for (const far of fars) {
      push(
        scope,
        `TAR @ FAR ${formatFar(far)}`,
        ma?.tarAtFar.find((t) => t.far === far)?.tar,
        mb?.tarAtFar.find((t) => t.far === far)?.tar,
        true,
        true,
      );
    }
    push(scope, 'AUC', ma?.auc, mb?.auc, true, false);
    push(scope, 'EER', ma?.eer, mb?.eer, false, true);
    push(scope, 'margin E[S⁺] − E[S⁻]', ma?.margin, mb?.margin, true, false);
  }
  return rows;
}

/** Identification (gallery of easy images, hard probes): rank-1 and rank-5, when both evaluations have it. */
export function identificationRows(a: EvaluationDetail, b: EvaluationDetail): CompareRow[] {
  if (!a.identification && !b.identification) return [];
  const row = (metric: string, pick: (id: NonNullable<EvaluationDetail['identification']>) => number): CompareRow => {
    const va = a.identification ? pick(a.identification) : null;
    const vb = b.identification ? pick(b.identification) : null;
    return {
      scope: 'identification',
      metric,
      a: va,
      b: vb,
      delta: va === null || vb === null ? null : vb - va,
      higherIsBetter: true,
      percent: true,
    };
  };
  return [row('rank-1', (id) => id.rank1), row('rank-5', (id) => id.rank5)];
}

const shortType: Record<PairType, string> = { 'easy-easy': 'EE', 'easy-hard': 'EH', 'hard-hard': 'HH' };

/** Gap metric names as people read them: "tar@0.001" -> "TAR@1e-3", "dPrime" -> "d′". */
export function gapMetricLabel(metric: string): string {
  const tar = /^tar@(.+)$/i.exec(metric);
  if (tar) return `TAR@${formatFar(Number(tar[1]))}`;
  return (
    (
      { accuracy: 'accuracy', auc: 'AUC', eer: 'EER', margin: 'margin', dPrime: 'd′', overlap: 'overlap' } as Record<
        string,
        string
      >
    )[metric] ?? metric
  );
}

const percentGap = (metric: string) => metric === 'accuracy' || metric === 'eer' || /^tar@/i.test(metric);

/** Every gap the evaluations report (how much worse a pair type is than easy-easy), as table rows: lower is better. */
export function gapCompareRows(a: EvaluationDetail, b: EvaluationDetail): CompareRow[] {
  const key = (g: EvaluationDetail['gaps'][number]) => `${g.metric}|${g.from}|${g.to}`;
  const all = new Map<string, EvaluationDetail['gaps'][number]>();
  for (const gap of [...a.gaps, ...b.gaps]) if (!all.has(key(gap))) all.set(key(gap), gap);
  const rows: CompareRow[] = [];
  for (const gap of all.values()) {
    const va = a.gaps.find((g) => key(g) === key(gap))?.value ?? null;
    const vb = b.gaps.find((g) => key(g) === key(gap))?.value ?? null;
    rows.push({
      scope: 'gaps',
      metric: `${gapMetricLabel(gap.metric)}: ${shortType[gap.to]} vs ${shortType[gap.from]}`,
      a: va,
      b: vb,
      delta: va === null || vb === null ? null : vb - va,
      higherIsBetter: false,
      percent: percentGap(gap.metric),
    });
  }
  return rows;
}

/** Metrics on a 0..1 scale, so one chart shows their gaps side by side (d′ is on another scale). */
const chartedGaps = (metric: string) =>
  metric === 'accuracy' || metric === 'auc' || metric === 'margin' || /^tar@/i.test(metric);

/** Chart rows for the gaps from easy-easy to one pair type, metrics both runs report. */
export function gapRows(
  a: EvaluationDetail,
  b: EvaluationDetail,
  to: PairType = 'easy-hard',
): Array<{ label: string; a: number | null; b: number | null }> {
  const metrics = [
    ...new Set([...a.gaps, ...b.gaps].filter((g) => g.to === to && chartedGaps(g.metric)).map((g) => g.metric)),
  ];
  return metrics
    .map((metric) => ({
      label: gapMetricLabel(metric),
      a: a.gaps.find((g) => g.metric === metric && g.to === to)?.value ?? null,
      b: b.gaps.find((g) => g.metric === metric && g.to === to)?.value ?? null,
    }))
    .filter((row) => row.a !== null || row.b !== null);
}
