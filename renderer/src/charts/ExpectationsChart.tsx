import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisDigits, formatNumber } from '../lib/format.js';
import { expectationExtras } from '../lib/metric-series.js';
import { distributionStyles } from '../lib/similarity.js';
import type { DistributionName } from '../api/index.js';
import { gridInk, tickStyle } from './palette.js';
import { ChartSave } from '../components/ChartSave.js';

const names: Record<(typeof expectationExtras)[number], DistributionName> = {
  teacherPosMean: 'teacherPositive',
  studentPosMean: 'studentPositive',
  teacherNegMean: 'teacherNegative',
  studentNegMean: 'studentNegative',
};

/** E[S] of the four branches per step: DDL should bring the student's (orange) onto the teacher's (blue). */
export function ExpectationsChart({ rows }: { rows: Array<Record<string, number | null>> }) {
  const digits = axisDigits(rows.flatMap((row) => expectationExtras.map((key) => row[key])));
  return (
    <figure className="chart-card" aria-label="Batch expectations E[S] of the four branches">
      <figcaption className="chart-title">
        <span title="teacher blue, student orange; dashed = impostor">E[S] per batch</span>
        <ChartSave title={'E[S] per batch'} />
      </figcaption>
      <div className="chart-body chart-body-small">
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
              width={44}
              domain={['auto', 'auto']}
              tickFormatter={(v: number) => formatNumber(v, digits)}
            />
            <Tooltip
              formatter={(value) => formatNumber(Number(value), 4)}
              labelFormatter={(step) => `step ${String(step)}`}
              contentStyle={{ fontSize: 12 }}
            />
            {expectationExtras.map((key) => {
              const style = distributionStyles[names[key]];
              return (
                <Line
                  key={key}
                  dataKey={key}
                  name={style.label}
                  stroke={style.color}
                  strokeDasharray={style.dashed ? '5 3' : undefined}
                  dot={false}
                  strokeWidth={1.6}
                  isAnimationActive={false}
                  connectNulls
                />
              );
            })}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
