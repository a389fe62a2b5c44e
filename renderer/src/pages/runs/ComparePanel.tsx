import { useState } from 'react';
import type { EvaluationDetail } from '../../api/index.js';
import { GapChart } from '../../charts/GapChart.js';
import { runColors } from '../../charts/palette.js';
import { RocChart, type RocSeries } from '../../charts/RocChart.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useLabQuery } from '../../hooks/use-lab-query.js';
import {
  compareRows,
  gapCompareRows,
  gapRows,
  identificationRows,
  scopes,
  type CompareRow,
  type Scope,
  type TableScope,
} from '../../lib/compare-table.js';
import { formatNumber, formatPercent, formatPointDelta } from '../../lib/format.js';

function metricsOf(detail: EvaluationDetail, scope: Scope) {
  return scope === 'overall' ? detail.overall : detail.byType[scope];
}

/** Two evaluated runs side by side: ROC overlay on log FAR, per-pair-type TAR@FAR and accuracy, the gaps. */
export function ComparePanel({
  evaluationA,
  evaluationB,
  nameA,
  nameB,
}: {
  evaluationA: string;
  evaluationB: string;
  nameA: string;
  nameB: string;
}) {
  const query = useLabQuery('evaluations.compare', { a: evaluationA, b: evaluationB }, { tags: ['evaluations'] });
  const [scope, setScope] = useState<Scope>('overall');
  if (!query.data) return query.error ? <ErrorMessage error={query.error} /> : <p className="muted">Comparing…</p>;
  const { a, b } = query.data;
  const rows = [...compareRows(a, b), ...gapCompareRows(a, b), ...identificationRows(a, b)];
  const available = scopes.filter((s) => metricsOf(a, s) || metricsOf(b, s));
  const series: RocSeries[] = [
    { name: `${nameA} · ${scope}`, color: runColors.a, points: metricsOf(a, scope)?.roc ?? [] },
    { name: `${nameB} · ${scope}`, color: runColors.b, points: metricsOf(b, scope)?.roc ?? [] },
  ];
  if (scope !== 'overall') {
    series.push({ name: `${nameA} · overall`, color: runColors.a, points: a.overall.roc, dashed: true });
    series.push({ name: `${nameB} · overall`, color: runColors.b, points: b.overall.roc, dashed: true });
  }
  return (
    <section className="panel compare" aria-label="Compare two runs">
      <div className="panel-header">
        <h2 className="panel-title">Compare</h2>
        <span className="compare-names">
          <span className="swatch swatch-a" aria-hidden="true" /> A: {nameA}{' '}
          <span className="swatch swatch-b" aria-hidden="true" /> B: {nameB}
        </span>
      </div>
      <div className="compare-grid">
        <div>
          <fieldset className="segmented">
            <legend className="sr-only">ROC of which pairs</legend>
            {available.map((value) => (
              <label key={value} className={`segmented-option${scope === value ? ' segmented-selected' : ''}`}>
                <input
                  type="radio"
                  name="roc-scope"
                  value={value}
                  checked={scope === value}
                  onChange={() => setScope(value)}
                />
                {value}
              </label>
            ))}
          </fieldset>
          <RocChart title={`ROC, ${scope} pairs`} series={series} />
          <h3 className="subsection-title">
            Gaps between pair types <span className="muted">(how much worse than easy-easy: lower is better)</span>
          </h3>
          <div className="chart-grid chart-grid-2">
            <GapChart
              title="easy-hard vs easy-easy"
              rows={gapRows(a, b, 'easy-hard')}
              nameA={`A: ${nameA}`}
              nameB={`B: ${nameB}`}
            />
            <GapChart
              title="hard-hard vs easy-easy"
              rows={gapRows(a, b, 'hard-hard')}
              nameA={`A: ${nameA}`}
              nameB={`B: ${nameB}`}
            />
          </div>
        </div>
        <CompareTable rows={rows} />
      </div>
    </section>
  );
}

function cell(value: number | null, percent: boolean) {
  return percent ? formatPercent(value, 2) : formatNumber(value, 4);
}

const groupTitle: Record<TableScope, string> = {
  overall: 'All pairs',
  'easy-easy': 'easy-easy pairs',
  'easy-hard': 'easy-hard pairs',
  'hard-hard': 'hard-hard pairs',
  gaps: 'Gaps: how much worse than easy-easy (lower is better)',
  identification: 'Identification: easy gallery, hard probes',
};

function CompareTable({ rows }: { rows: CompareRow[] }) {
  const groups = ([...scopes, 'gaps', 'identification'] as TableScope[])
    .map((scope) => {
      const inScope = rows.filter((r) => r.scope === scope);
      // metrics neither run could measure (too few impostor pairs for that FAR) fold into one line
      const unmeasured = inScope.filter((r) => r.a === null && r.b === null).map((r) => r.metric);
      return { scope, rows: inScope.filter((r) => r.a !== null || r.b !== null), unmeasured };
    })
    .filter((g) => g.rows.length > 0 || g.unmeasured.length > 0);
  return (
    <div
      className="table-scroll compare-table"
      tabIndex={0}
      role="region"
      aria-label="Metrics of A and B per pair type"
    >
      <table className="table table-compact">
        <caption className="sr-only">Metrics per pair type, run A and run B</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col" className="num">
              A
            </th>
            <th scope="col" className="num">
              B
            </th>
            <th scope="col" className="num">
              B − A
            </th>
          </tr>
        </thead>
        {groups.map((group) => (
          <tbody key={group.scope}>
            <tr className="table-group">
              <th scope="colgroup" colSpan={4}>
                {groupTitle[group.scope]}
              </th>
            </tr>
            {group.rows.map((row) => {
              // a difference too small to show in the printed digits is neither better nor worse
              const shownZero =
                row.delta === null ||
                Math.abs(row.percent ? row.delta * 100 : row.delta) < (row.percent ? 0.005 : 0.00005);
              const better = shownZero
                ? ''
                : (row.delta as number) > 0 === row.higherIsBetter
                  ? 'delta-better'
                  : 'delta-worse';
              return (
                <tr key={`${row.scope}-${row.metric}`}>
                  <th scope="row">{row.metric}</th>
                  <td className="num">{cell(row.a, row.percent)}</td>
                  <td className="num">{cell(row.b, row.percent)}</td>
                  <td className={`num ${better}`}>
                    {row.percent
                      ? formatPointDelta(row.delta, 2)
                      : row.delta === null
                        ? 'n/a'
                        : `${row.delta > 0 ? '+' : ''}${formatNumber(row.delta, 4)}`}
                  </td>
                </tr>
              );
            })}
            {group.unmeasured.length > 0 ? (
              <tr className="table-note-row">
                <td colSpan={4}>n/a for both (too few pairs): {group.unmeasured.join(', ')}</td>
              </tr>
            ) : null}
          </tbody>
        ))}
      </table>
    </div>
  );
}
