import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatFar, formatNumber } from '../lib/format.js';
import { rocForLogAxis } from '../lib/similarity.js';
import { gridInk, tickStyle } from './palette.js';
import { ChartSave } from '../components/ChartSave.js';

export interface RocSeries {
  name: string;
  color: string;
  points: Array<{ far: number; tar: number }>;
  dashed?: boolean;
}

const farTicks = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];

/** ROC curves overlaid on a log-FAR axis (the face-verification convention). */
export function RocChart({ series, title, height = 250 }: { series: RocSeries[]; title: string; height?: number }) {
  const drawn = series.map((s) => ({ ...s, points: rocForLogAxis(s.points) }));
  const minFar = Math.min(1e-2, ...drawn.flatMap((s) => s.points.map((p) => p.far)));
  const ticks = farTicks.filter((t) => t >= minFar / 1.0001);
  const domainMin = ticks[0] ?? 1e-3;
  return (
    <figure className="chart-card">
      <figcaption className="chart-title">
        <span>{title}</span>
        <ChartSave title={title} />
      </figcaption>
      <div className="chart-body" style={{ height }}>
        {drawn.every((s) => s.points.length === 0) ? (
          <div className="chart-empty">no ROC points</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
              <CartesianGrid stroke={gridInk} />
              <XAxis
                dataKey="far"
                type="number"
                scale="log"
                domain={[domainMin, 1]}
                ticks={ticks}
                allowDataOverflow
                tick={tickStyle}
                tickFormatter={(v: number) => formatFar(v)}
                label={{
                  value: 'false accept rate (log)',
                  position: 'insideBottom',
                  offset: -8,
                  fontSize: 11,
                  fill: tickStyle.fill,
                }}
              />
              <YAxis
                dataKey="tar"
                type="number"
                domain={[0, 1]}
                tick={tickStyle}
                width={44}
                tickFormatter={(v: number) => formatNumber(v, 2)}
                label={{ value: 'TAR', angle: -90, position: 'insideLeft', fontSize: 11, fill: tickStyle.fill }}
              />
              <Tooltip
                formatter={(value) => formatNumber(Number(value), 4)}
                labelFormatter={(far) => `FAR ${formatNumber(Number(far), 6)}`}
                contentStyle={{ fontSize: 12 }}
              />
              <Legend verticalAlign="top" height={24} iconSize={10} wrapperStyle={{ fontSize: 12 }} />
              {drawn.map((s) => (
                <Line
                  key={s.name}
                  data={s.points}
                  dataKey="tar"
                  name={s.name}
                  stroke={s.color}
                  strokeDasharray={s.dashed ? '5 3' : undefined}
                  dot={false}
                  strokeWidth={1.75}
                  isAnimationActive={false}
                  type="stepAfter"
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
