import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartSave } from '../components/ChartSave.js';
import { formatNumber } from '../lib/format.js';
import { gridInk, tickStyle } from './palette.js';

export interface OverlaySeries {
  name: string;
  color: string;
  points: Array<{ step: number; value: number }>;
}

/** Several runs' curves of one metric on a shared step axis. */
export function OverlayChart({
  title,
  series,
  height = 240,
}: {
  title: string;
  series: OverlaySeries[];
  height?: number;
}) {
  const empty = series.every((s) => s.points.length === 0);
  return (
    <figure className="chart-card" aria-label={title}>
      <figcaption className="chart-title">
        <span>{title}</span>
        <ChartSave title={title} />
      </figcaption>
      <div className="chart-body" style={{ height }}>
        {empty ? (
          <div className="chart-empty">no steps recorded</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
              <CartesianGrid stroke={gridInk} vertical={false} />
              <XAxis
                dataKey="step"
                type="number"
                domain={['dataMin', 'dataMax']}
                tick={tickStyle}
                allowDecimals={false}
                allowDuplicatedCategory={false}
              />
              <YAxis
                dataKey="value"
                type="number"
                domain={['auto', 'auto']}
                tick={tickStyle}
                width={52}
                tickFormatter={(v: number) => formatNumber(v, 3)}
              />
              <Tooltip
                formatter={(value) => formatNumber(Number(value), 5)}
                labelFormatter={(step) => `step ${String(step)}`}
                contentStyle={{ fontSize: 12 }}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {series.map((s) => (
                <Line
                  key={s.name}
                  data={s.points}
                  dataKey="value"
                  name={s.name}
                  stroke={s.color}
                  dot={false}
                  isAnimationActive={false}
                  strokeWidth={1.75}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
