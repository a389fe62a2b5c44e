import { Area, AreaChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SimilarityHistograms } from '../api/index.js';
import { formatCount, formatNumber } from '../lib/format.js';
import type { HistogramPanel } from '../lib/similarity.js';
import { gridInk, tickStyle } from './palette.js';

/** One panel of the DDL distributions: two densities over cosine similarity, E[S] of each marked. */
export function SimilarityHistogramChart({ panel, rows, height = 200 }: { panel: HistogramPanel; rows: SimilarityHistograms['rows']; height?: number }) {
  const empty = panel.series.every((s) => s.count === 0);
  return (
    <figure className="chart-card">
      <figcaption className="chart-title"><span>{panel.title}</span></figcaption>
      <div className="chart-body" style={{ height }}>
        {empty ? (
          <div className="chart-empty">no similarities recorded yet</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={rows} margin={{ top: 18, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={gridInk} vertical={false} />
              <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} tick={tickStyle} tickCount={6} tickFormatter={(v: number) => formatNumber(v, 2)} />
              <YAxis tick={tickStyle} width={44} tickFormatter={(v: number) => formatNumber(v, 3)} />
              <Tooltip formatter={(value) => formatNumber(Number(value), 4)} labelFormatter={(x) => `cos ${formatNumber(Number(x), 3)}`} contentStyle={{ fontSize: 12 }} />
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
              {panel.series.map((s, i) => s.expectation === null ? null : (
                <ReferenceLine
                  key={`e-${s.key}`}
                  x={s.expectation}
                  stroke={s.color}
                  strokeWidth={1.5}
                  strokeDasharray={s.dashed ? '4 3' : undefined}
                  label={{ value: `E[${s.shortLabel}]`, position: i === 0 ? 'insideTopLeft' : 'insideTopRight', fill: s.color, fontSize: 11 }}
                />
              ))}
            </AreaChart>
          </ResponsiveContainer>
        )}
      </div>
      <ul className="legend">
        {panel.series.map((s) => (
          <li key={s.key}>
            <span className={`legend-swatch${s.dashed ? ' legend-swatch-dashed' : ''}`} style={{ borderColor: s.color, background: s.dashed ? 'transparent' : s.color }} aria-hidden="true" />
            {s.label}: E = {formatNumber(s.expectation, 3)} <span className="muted">(n = {formatCount(s.count)})</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
