import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '../lib/format.js';
import { gridInk, sideColors, tickStyle } from './palette.js';
import { ChartSave } from '../components/ChartSave.js';

export interface EasyHardRow {
  label: string;
  range: string;
  easy: number;
  hard: number;
}

/** Where easy and hard images sit along one attribute (stacked counts per bin). */
export function EasyHardChart({ title, rows }: { title: string; rows: EasyHardRow[] }) {
  return (
    <figure className="chart-card">
      <figcaption className="chart-title">
        <span>{title}</span>
        <ChartSave title={title} />
      </figcaption>
      <div className="chart-body chart-body-small">
        {rows.length === 0 ? (
          <div className="chart-empty">no values</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ top: 6, right: 8, bottom: 0, left: 0 }} barCategoryGap={1}>
              <CartesianGrid stroke={gridInk} vertical={false} />
              <XAxis dataKey="label" tick={tickStyle} interval="preserveStartEnd" minTickGap={10} />
              <YAxis tick={tickStyle} width={36} allowDecimals={false} />
              <Tooltip
                formatter={(value) => formatCount(Number(value))}
                labelFormatter={(_label, payload) => String(payload?.[0]?.payload?.range ?? _label)}
                contentStyle={{ fontSize: 12 }}
              />
              <Legend iconSize={9} wrapperStyle={{ fontSize: 11 }} />
              <Bar dataKey="easy" name="easy" stackId="side" fill={sideColors.easy} isAnimationActive={false} />
              <Bar dataKey="hard" name="hard" stackId="side" fill={sideColors.hard} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
