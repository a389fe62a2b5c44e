import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber } from '../lib/format.js';
import { gridInk, runColors, tickStyle } from './palette.js';

export interface GapRow {
  label: string;
  a: number | null;
  b: number | null;
}

/** The easy–hard gaps of two runs side by side: the number DDL exists to shrink. */
export function GapChart({ rows, nameA, nameB }: { rows: GapRow[]; nameA: string; nameB: string }) {
  return (
    <figure className="chart-card">
      <figcaption className="chart-title"><span>Easy–hard gaps (lower is better)</span></figcaption>
      <div className="chart-body" style={{ height: 240 }}>
        {rows.length === 0 ? <div className="chart-empty">no gaps reported</div> : (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
              <CartesianGrid stroke={gridInk} vertical={false} />
              <XAxis dataKey="label" tick={{ ...tickStyle, fontSize: 10 }} interval={0} height={40} />
              <YAxis tick={tickStyle} width={44} tickFormatter={(v: number) => formatNumber(v, 3)} />
              <Tooltip formatter={(value) => formatNumber(Number(value), 4)} contentStyle={{ fontSize: 12 }} />
              <Legend verticalAlign="top" height={22} iconSize={10} wrapperStyle={{ fontSize: 12 }} />
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
