import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatNumber } from '../lib/format.js';
import { niceTicks } from '../lib/nice-ticks.js';
import { gridInk, runColors, tickStyle } from './palette.js';
import { ChartSave } from '../components/ChartSave.js';

export interface GapRow {
  label: string;
  a: number | null;
  b: number | null;
}

/** The easy–hard gaps of two runs side by side: the number DDL exists to shrink. */
export function GapChart({
  title,
  rows,
  nameA,
  nameB,
}: {
  title: string;
  rows: GapRow[];
  nameA: string;
  nameB: string;
}) {
  const values = rows.flatMap((row) => [row.a, row.b]).filter((v): v is number => v !== null);
  const axis = niceTicks(Math.min(0, ...values), Math.max(0, ...values), 5);
  return (
    <figure className="chart-card" aria-label={title}>
      <figcaption className="chart-title">
        <span>{title}</span>
        <ChartSave title={title} />
      </figcaption>
      <div className="chart-body" style={{ height: 210 }}>
        {rows.length === 0 ? (
          <div className="chart-empty">no gaps reported</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
              <CartesianGrid stroke={gridInk} vertical={false} />
              <XAxis dataKey="label" tick={tickStyle} interval={0} />
              <YAxis
                tick={tickStyle}
                width={44}
                domain={axis.domain}
                ticks={axis.ticks}
                tickFormatter={(v: number) => formatNumber(v, 2)}
              />
              <Tooltip formatter={(value) => formatNumber(Number(value), 4)} contentStyle={{ fontSize: 12 }} />
              <Legend verticalAlign="top" height={20} iconSize={10} wrapperStyle={{ fontSize: 11 }} />
              <ReferenceLine y={0} stroke="#9ca3af" />
              <Bar dataKey="a" name={nameA} fill={runColors.a} isAnimationActive={false} />
              <Bar dataKey="b" name={nameB} fill={runColors.b} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
