import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber, formatScalar } from '../lib/format.js';
import { niceTicks } from '../lib/nice-ticks.js';
import type { ChartRow } from '../lib/metric-series.js';
import { accent, gridInk, tickStyle } from './palette.js';
import { ChartSave } from '../components/ChartSave.js';

/** One TensorBoard-style scalar: the raw series faint, the smoothed one bold, the latest value in the title. */
export function ScalarChart({
  title,
  description,
  rows,
  color = accent,
  logScale = false,
  zeroBased = false,
  emptyText = 'waiting for the first step…',
}: {
  title: string;
  description?: string;
  rows: ChartRow[];
  color?: string;
  logScale?: boolean;
  zeroBased?: boolean;
  emptyText?: string;
}) {
  const last = rows[rows.length - 1];
  const positive = rows.every((row) => row.raw > 0);
  const useLog = logScale && positive;
  const values = rows.flatMap((row) => [row.raw, row.smoothed]);
  const axis = niceTicks(zeroBased ? Math.min(0, ...values) : Math.min(...values), Math.max(...values), 4);
  return (
    <figure className="chart-card" aria-label={`${title}${description ? `: ${description}` : ''}`}>
      <figcaption className="chart-title">
        <span title={description}>{title}</span>
        <span className="chart-value" title={last ? `smoothed value at step ${last.step}` : undefined}>
          {last ? formatScalar(last.smoothed) : '—'}
        </span>
        <ChartSave title={title} />
      </figcaption>
      <div className="chart-body chart-body-small">
        {rows.length === 0 ? (
          <div className="chart-empty">{emptyText}</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 6, right: 10, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={gridInk} vertical={false} />
              <XAxis
                dataKey="step"
                type="number"
                domain={['dataMin', 'dataMax']}
                tick={tickStyle}
                tickCount={5}
                allowDecimals={false}
              />
              <YAxis
                tick={tickStyle}
                width={48}
                domain={useLog ? ['auto', 'auto'] : axis.domain}
                ticks={useLog ? undefined : axis.ticks}
                scale={useLog ? 'log' : 'auto'}
                allowDataOverflow={false}
                tickFormatter={(value: number) => formatNumber(value, 3)}
              />
              <Tooltip
                formatter={(value) => formatNumber(Number(value), 5)}
                labelFormatter={(step) => `step ${String(step)}`}
                contentStyle={{ fontSize: 12 }}
              />
              <Line
                dataKey="raw"
                name="raw"
                stroke={color}
                strokeOpacity={0.25}
                dot={false}
                isAnimationActive={false}
                strokeWidth={1}
              />
              <Line
                dataKey="smoothed"
                name="smoothed"
                stroke={color}
                dot={false}
                isAnimationActive={false}
                strokeWidth={1.75}
              />
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
