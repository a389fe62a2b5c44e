import { useMemo, useState } from 'react';
import { ExpectationsChart } from '../../charts/ExpectationsChart.js';
import { ScalarChart } from '../../charts/ScalarChart.js';
import { chartRows, expectationRows, termLabels, termsIn, type LivePoint } from '../../lib/metric-series.js';

const ddlTerms = ['posKL', 'negKL', 'order'];

/** TensorBoard for DDL: one small chart per loss term, then lr and images/s, with a smoothing slider. */
export function RunCharts({
  points,
  objective,
  live,
}: {
  points: LivePoint[];
  objective: 'classification' | 'ddl';
  live: boolean;
}) {
  const emptyText = live ? 'waiting for the first step…' : 'no steps recorded';
  const [smoothing, setSmoothing] = useState(0.6);
  const [logScale, setLogScale] = useState(false);
  const terms = useMemo(() => termsIn(points), [points]);
  const charts = useMemo(
    () => [
      ...terms.map((term) => ({
        key: term,
        title: termLabels[term]?.title ?? term,
        description: termLabels[term]?.description,
        rows: chartRows(points, (p) => p.terms[term], smoothing),
        color: term === 'total' ? '#111827' : ddlTerms.includes(term) ? '#7c3aed' : '#2456c9',
        log: logScale,
      })),
      {
        key: 'lr',
        title: 'lr',
        description: 'learning rate',
        rows: chartRows(points, (p) => p.lr, 0),
        color: '#0f766e',
        log: false,
        zero: true,
      },
      {
        key: 'ips',
        title: 'images/s',
        description: 'training throughput',
        rows: chartRows(points, (p) => p.imagesPerSecond, smoothing),
        color: '#a16207',
        log: false,
        zero: true,
      },
      ...(points.some((p) => Number.isFinite(p.extras.gradNorm))
        ? [
            {
              key: 'grad',
              title: 'grad norm',
              description: 'global gradient norm before clipping',
              rows: chartRows(points, (p) => p.extras.gradNorm, smoothing),
              color: '#475569',
              log: false,
            },
          ]
        : []),
    ],
    [terms, points, smoothing, logScale],
  );
  const expectations = useMemo(() => expectationRows(points), [points]);
  const missingDdl = objective === 'ddl' && terms.length > 0 && !terms.some((t) => ddlTerms.includes(t));
  return (
    <section className="run-charts" aria-label="Training curves">
      <div className="toolbar">
        <h3 className="section-title">Scalars</h3>
        <span className="toolbar-spacer" />
        <label className="inline-label" htmlFor="smoothing">
          Smoothing
        </label>
        <input
          id="smoothing"
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={smoothing}
          onChange={(e) => setSmoothing(Number(e.target.value))}
          aria-valuetext={smoothing.toFixed(2)}
        />
        <output htmlFor="smoothing" className="slider-value">
          {smoothing.toFixed(2)}
        </output>
        <label className="checkbox">
          <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} /> log-scale losses
        </label>
      </div>
      {missingDdl ? <p className="muted">This DDL run has not recorded its KL and order terms yet.</p> : null}
      {objective === 'classification' && terms.length > 0 ? (
        <p className="muted small">
          Classification-only run: the DDL terms (KL positives/negatives, order) appear in DDL fine-tunes.
        </p>
      ) : null}
      <div className="chart-grid chart-grid-scalars">
        {charts.map((chart) => (
          <ScalarChart
            key={chart.key}
            title={chart.title}
            description={chart.description}
            rows={chart.rows}
            color={chart.color}
            logScale={chart.log}
            zeroBased={'zero' in chart && chart.zero === true}
            emptyText={emptyText}
          />
        ))}
        {expectations.length > 0 ? <ExpectationsChart rows={expectations} /> : null}
      </div>
    </section>
  );
}
