import type { EvaluationDetail, PairType } from '../../../app/api/contract/index.js';
import { formatFar } from './format.js';

// The Runs page's comparison of two evaluations: per pair type, accuracy and TAR at each FAR,
// side by side, with the difference; gaps as rows for the side-by-side chart.

export type Scope = PairType | 'overall';
export const scopes: Scope[] = ['overall', 'easy-easy', 'easy-hard', 'hard-hard'];

export interface CompareRow {
  scope: Scope;
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
  const push = (scope: Scope, metric: string, va: number | null | undefined, vb: number | null | undefined, higherIsBetter: boolean, percent: boolean) => {
    const x = va ?? null;
    const y = vb ?? null;
    rows.push({ scope, metric, a: x, b: y, delta: x === null || y === null ? null : y - x, higherIsBetter, percent });
  };
  for (const scope of scopes) {
    const ma = metricsOf(a, scope);
    const mb = metricsOf(b, scope);
    if (!ma && !mb) continue;
    push(scope, 'accuracy', ma?.accuracy, mb?.accuracy, true, true);
    const fars = [...new Set([...(ma?.tarAtFar ?? []), ...(mb?.tarAtFar ?? [])].map((t) => t.far))].sort((x, y) => y - x);
    for (const far of fars) {
      push(scope, `TAR @ FAR ${formatFar(far)}`, ma?.tarAtFar.find((t) => t.far === far)?.tar, mb?.tarAtFar.find((t) => t.far === far)?.tar, true, true);
    }
    push(scope, 'AUC', ma?.auc, mb?.auc, true, false);
    push(scope, 'EER', ma?.eer, mb?.eer, false, true);
    push(scope, 'margin E[S⁺] − E[S⁻]', ma?.margin, mb?.margin, true, false);
  }
  return rows;
}

export function gapRows(a: EvaluationDetail, b: EvaluationDetail): Array<{ label: string; a: number | null; b: number | null }> {
  const key = (g: EvaluationDetail['gaps'][number]) => `${g.metric}: ${g.from} − ${g.to}`;
  const labels = [...new Set([...a.gaps, ...b.gaps].map(key))];
  return labels.map((label) => ({
    label: label.replace('easy-easy', 'EE').replace('easy-hard', 'EH').replace('hard-hard', 'HH'),
    a: a.gaps.find((g) => key(g) === label)?.value ?? null,
    b: b.gaps.find((g) => key(g) === label)?.value ?? null,
  }));
}
