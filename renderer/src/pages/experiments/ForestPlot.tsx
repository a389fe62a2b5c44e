import {
  CartesianGrid,
  ErrorBar,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ExperimentDetail } from '../../api/index.js';
import { formatNumber } from '../../lib/format.js';
import { accent, gridInk, tickStyle } from '../../charts/palette.js';

/** One metric's paired DDL − cls-only difference per variant: the mean and its 95 % CI, against zero. */
export function ForestPlot({ detail, metric }: { detail: ExperimentDetail; metric: string }) {
  const rows = detail.variants.flatMap((v, i) => {
    const m = v.metrics.find((x) => x.key === metric);
    if (!m || m.difference.mean === null) return [];
    const [low, high] = m.difference.ci95 ?? [m.difference.mean, m.difference.mean];
    return [
      {
        variant: v.name,
        y: i,
        mean: m.difference.mean,
        error: [m.difference.mean - low, high - m.difference.mean],
        ci: m.difference.ci95 ? `[${formatNumber(low)}, ${formatNumber(high)}]` : 'n/a',
      },
    ];
  });
  const label = detail.variants[0]?.metrics.find((m) => m.key === metric)?.label ?? metric;
  return (
    <figure className="chart-card" aria-label={`forest plot of ${label}`}>
      <figcaption className="chart-title">
        <span>DDL − cls-only: {label} (mean, 95% CI)</span>
      </figcaption>
      <div className="chart-body chart-body-small">
        {rows.length === 0 ? (
          <div className="chart-empty">no paired seeds yet</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <ScatterChart margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
              <CartesianGrid stroke={gridInk} />
              <XAxis type="number" dataKey="mean" tick={tickStyle} domain={['auto', 'auto']} />
              <YAxis
                type="number"
                dataKey="y"
                tick={tickStyle}
                width={120}
                domain={[-0.5, detail.variants.length - 0.5]}
                ticks={rows.map((r) => r.y)}
                tickFormatter={(y: number) => detail.variants[y]?.name ?? ''}
              />
              <ReferenceLine x={0} stroke="#6b7280" strokeDasharray="4 3" />
              <Tooltip
                formatter={(value, _name, item) =>
                  `${formatNumber(Number(value))} ${String((item?.payload as { ci?: string } | undefined)?.ci ?? '')}`
                }
                labelFormatter={() => ''}
                contentStyle={{ fontSize: 12 }}
              />
              <Scatter data={rows} fill={accent} isAnimationActive={false}>
                <ErrorBar dataKey="error" direction="x" width={6} stroke={accent} />
              </Scatter>
            </ScatterChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
