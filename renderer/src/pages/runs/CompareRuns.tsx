import { useEffect, useMemo, useState } from 'react';
import { lab, type MetricPoint, type RunSummary } from '../../api/index.js';
import { OverlayChart, type OverlaySeries } from '../../charts/OverlayChart.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useLabQuery } from '../../hooks/use-lab-query.js';
import { downloadExport } from '../../lib/download.js';
import { formatNumber, formatPercent, formatPointDelta } from '../../lib/format.js';
import { smoothSeries } from '../../lib/smoothing.js';

/** Distinct colours for up to 10 runs, then they repeat. */
export const compareColors = [
  '#1d4ed8',
  '#c2410c',
  '#15803d',
  '#7c3aed',
  '#b91c1c',
  '#0e7490',
  '#a16207',
  '#be185d',
  '#4d7c0f',
  '#475569',
];

/** Metrics where lower is better (the delta is coloured the other way). */
const lowerIsBetter = (metric: string) => metric === 'eer' || metric === 'final loss' || metric === 'easy-hard gap';
const isRate = (metric: string) => metric === 'accuracy' || metric.startsWith('tar@') || metric === 'easy-hard gap';

function useRunsMetrics(runIds: string[]) {
  const [series, setSeries] = useState<Record<string, MetricPoint[]>>({});
  const [error, setError] = useState<unknown>();
  const key = runIds.join(',');
  useEffect(() => {
    let live = true;
    Promise.all(runIds.map((runId) => lab.call('runs.metrics', { runId, limit: 100_000 }))).then(
      (results) => live && setSeries(Object.fromEntries(results.map((r) => [r.runId, r.points]))),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
    // the key stands for the ids
  }, [key]);
  return { series, error };
}

/** Any number of runs: their loss curves overlaid, every benchmark metric with deltas against a baseline. */
export function CompareRuns({ runs }: { runs: RunSummary[] }) {
  const runIds = runs.map((r) => r.id);
  const [baseline, setBaseline] = useState(runIds[0]!);
  const baselineRunId = runIds.includes(baseline) ? baseline : runIds[0]!;
  const comparison = useLabQuery('runs.compare', { runIds, baselineRunId }, { tags: ['evaluations', 'runs'] });
  const { series, error } = useRunsMetrics(runIds);
  const [term, setTerm] = useState('total');
  const [smoothing, setSmoothing] = useState(0.6);
  const [exportError, setExportError] = useState<unknown>();
  const [exported, setExported] = useState<string>();

  const terms = useMemo(() => {
    const names = new Set<string>();
    for (const points of Object.values(series))
      for (const p of points) for (const t of Object.keys(p.terms)) names.add(t);
    return [...names].sort((a, b) => (a === 'total' ? -1 : b === 'total' ? 1 : a.localeCompare(b)));
  }, [series]);
  const curves: OverlaySeries[] = runs.map((run, i) => {
    const points = (series[run.id] ?? []).filter((p) => Number.isFinite(p.terms[term]));
    const smoothed = smoothSeries(
      points.map((p) => p.terms[term]!),
      smoothing,
    );
    return {
      name: `${run.name} (#${run.id})`,
      color: compareColors[i % compareColors.length]!,
      points: points.map((p, k) => ({ step: p.step, value: smoothed[k]! })),
    };
  });
  const exportCsv = async () => {
    setExportError(undefined);
    try {
      setExported(await downloadExport({ kind: 'comparison-csv', runIds, baselineRunId }));
    } catch (failure) {
      setExportError(failure);
    }
  };

  const lines = comparison.data?.lines ?? [];
  const groups = [...new Set(lines.map((l) => l.benchmark))];
  return (
    <section className="panel compare" aria-label={`Compare ${runs.length} runs`}>
      <div className="panel-header">
        <h2 className="panel-title">Compare {runs.length} runs</h2>
        <div className="panel-actions">
          <label className="inline-label" htmlFor="compare-baseline">
            Baseline
          </label>
          <select
            id="compare-baseline"
            className="input input-compact"
            value={baselineRunId}
            onChange={(e) => setBaseline(e.target.value)}
          >
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} (#{r.id})
              </option>
            ))}
          </select>
          <button type="button" className="button button-small" onClick={() => void exportCsv()}>
            Export comparison CSV
          </button>
          {exported ? (
            <span className="muted small" role="status">
              saved {exported}
            </span>
          ) : null}
        </div>
      </div>
      <ErrorMessage error={comparison.error ?? error ?? exportError} />
      <div className="compare-curves">
        <div className="compare-curve-controls">
          <label className="inline-label" htmlFor="compare-term">
            Curve
          </label>
          <select
            id="compare-term"
            className="input input-compact"
            value={term}
            onChange={(e) => setTerm(e.target.value)}
          >
            {(terms.length > 0 ? terms : ['total']).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <label className="inline-label" htmlFor="compare-smoothing">
            Smoothing {smoothing.toFixed(2)}
          </label>
          <input
            id="compare-smoothing"
            type="range"
            min={0}
            max={0.95}
            step={0.05}
            value={smoothing}
            onChange={(e) => setSmoothing(Number(e.target.value))}
          />
        </div>
        <OverlayChart title={`${term} loss, ${runs.length} runs overlaid`} series={curves} />
      </div>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Metrics of the compared runs">
        <table className="table table-compact compare-runs-table">
          <caption className="sr-only">
            Every benchmark metric of the compared runs, with deltas against the baseline
          </caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              {runs.map((r, i) => (
                <th scope="col" className="num" key={r.id}>
                  <span
                    className="swatch"
                    style={{ background: compareColors[i % compareColors.length] }}
                    aria-hidden="true"
                  />{' '}
                  {r.name}
                  {r.id === baselineRunId ? <span className="muted small"> (baseline)</span> : null}
                </th>
              ))}
            </tr>
          </thead>
          {groups.map((group) => (
            <tbody key={group}>
              <tr className="table-group">
                <th scope="colgroup" colSpan={runs.length + 1}>
                  {group}
                </th>
              </tr>
              {lines
                .filter((l) => l.benchmark === group)
                .map((line) => (
                  <tr key={`${group}-${line.metric}`}>
                    <th scope="row">{line.metric}</th>
                    {line.values.map((value, i) => {
                      const delta = line.deltas[i] ?? null;
                      const isBase = runs[i]!.id === baselineRunId;
                      const tone =
                        isBase || delta === null || Math.abs(delta) < 1e-9
                          ? ''
                          : delta > 0 !== lowerIsBetter(line.metric)
                            ? 'delta-better'
                            : 'delta-worse';
                      return (
                        <td className="num" key={runs[i]!.id}>
                          {value === null
                            ? '—'
                            : isRate(line.metric)
                              ? formatPercent(value, 2)
                              : formatNumber(value, 4)}
                          {!isBase && delta !== null ? (
                            <div className={`small ${tone}`}>
                              {isRate(line.metric)
                                ? formatPointDelta(delta, 2)
                                : `${delta > 0 ? '+' : ''}${formatNumber(delta, 4)}`}
                            </div>
                          ) : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
            </tbody>
          ))}
        </table>
      </div>
    </section>
  );
}
