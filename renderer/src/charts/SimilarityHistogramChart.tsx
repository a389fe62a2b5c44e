import { Area, AreaChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SimilarityHistograms } from '../api/index.js';
import { formatCount, formatNumber } from '../lib/format.js';
import { niceTicks } from '../lib/nice-ticks.js';
import type { HistogramPanel } from '../lib/similarity.js';
import { gridInk, tickStyle } from './palette.js';
import { ChartSave } from '../components/ChartSave.js';

/** A cosine-similarity axis: whole tenths around the bins, ticks every 0.1, 0.2 or 0.5 by range. */
export function similarityAxis(xs: number[]): { domain: [number, number]; ticks: number[] } {
  if (xs.length === 0) return { domain: [0, 1], ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] };
  const lo = Math.floor(Math.min(...xs) * 10 + 1e-9) / 10;
  const hi = Math.ceil(Math.max(...xs) * 10 - 1e-9) / 10;
  const step = hi - lo <= 0.6 ? 0.1 : hi - lo <= 1.2 ? 0.2 : 0.5;
  const ticks: number[] = [];
  for (let t = lo; t <= hi + 1e-9; t += step) ticks.push(Math.round(t * 10) / 10);
  return { domain: [lo, hi], ticks };
}

/** One panel of the DDL distributions: two densities over cosine similarity, E[S] of each marked. */
export function SimilarityHistogramChart({
  panel,
  rows,
  height = 200,
}: {
  panel: HistogramPanel;
  rows: SimilarityHistograms['rows'];
  height?: number;
}) {
  const empty = panel.series.every((s) => s.count === 0);
  const { domain, ticks } = similarityAxis(rows.map((row) => row.x));
  // the label of the lower expectation extends left of its line, the higher one right: they never overlap
  const marked = panel.series.filter((s) => s.expectation !== null);
  const highest = Math.max(...marked.map((s) => s.expectation as number));
  const peak = Math.max(0, ...rows.flatMap((row) => panel.series.map((s) => row[s.key])));
  const yAxis = niceTicks(0, peak > 0 ? peak : 1, 5);
  return (
    <figure className="chart-card">
      <figcaption className="chart-title">
        <span>{panel.title}</span>
        <ChartSave title={panel.title} />
      </figcaption>
      <div className="chart-body" style={{ height }}>
        {empty ? (
          <div className="chart-empty">no similarities recorded yet</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={rows} margin={{ top: 18, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={gridInk} vertical={false} />
              <XAxis
                dataKey="x"
                type="number"
                domain={domain}
                ticks={ticks}
                tick={tickStyle}
                tickFormatter={(v: number) => formatNumber(v, 2)}
              />
              <YAxis
                tick={tickStyle}
                width={44}
                domain={yAxis.domain}
                ticks={yAxis.ticks}
                tickFormatter={(v: number) => formatNumber(v, 3)}
              />
              <Tooltip
                formatter={(value) => formatNumber(Number(value), 4)}
                labelFormatter={(x) => `cos ${formatNumber(Number(x), 3)}`}
                contentStyle={{ fontSize: 12 }}
              />
              {panel.series.map((s) => (
                <Area
                  key={s.key}
                  type="monotone"
                  dataKey={s.key}
                  name={s.label}
                  stroke={s.color}
                  strokeWidth={1.75}
                  strokeDasharray={s.dashed ? '5 3' : undefined}
                  fill={s.color}
                  fillOpacity={s.dashed ? 0.06 : 0.14}
                  dot={false}
                  isAnimationActive={false}
                />
              ))}
              {marked.map((s) => (
                <ReferenceLine
                  key={`e-${s.key}`}
                  x={s.expectation as number}
                  stroke={s.color}
                  strokeWidth={1.5}
                  strokeDasharray={s.dashed ? '4 3' : undefined}
                  label={{
                    value: `E[${s.shortLabel}]`,
                    position:
                      s.expectation === highest && marked.length > 1
                        ? 'insideTopLeft'
                        : marked.length > 1
                          ? 'insideTopRight'
                          : 'insideTopLeft',
                    fill: s.color,
                    fontSize: 11,
                  }}
                />
              ))}
            </AreaChart>
          </ResponsiveContainer>
        )}
      </div>
      <ul className="legend">
        {panel.series.map((s) => (
          <li key={s.key}>
            <span
              className={`legend-swatch${s.dashed ? ' legend-swatch-dashed' : ''}`}
              style={{ borderColor: s.color, background: s.dashed ? 'transparent' : s.color }}
              aria-hidden="true"
            />
            {s.label}: E = {formatNumber(s.expectation, 3)} <span className="muted">(n = {formatCount(s.count)})</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
