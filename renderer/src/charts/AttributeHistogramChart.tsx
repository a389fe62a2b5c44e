import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AttributeHistogram } from '../api/index.js';
import { formatCount, formatNumber } from '../lib/format.js';
import { accent, gridInk, tickStyle } from './palette.js';
import { ChartSave } from '../components/ChartSave.js';

/** Distribution of one attribute over the dataset: numeric bins or category counts. */
export function AttributeHistogramChart({ histogram }: { histogram: AttributeHistogram }) {
  const rows =
    histogram.kind === 'numeric'
      ? histogram.bins.map((bin) => ({
          label: formatNumber((bin.x0 + bin.x1) / 2, 2),
          range: `${formatNumber(bin.x0, 3)} – ${formatNumber(bin.x1, 3)}`,
          count: bin.count,
        }))
      : histogram.categories.map((c) => ({ label: c.value, range: c.value, count: c.count }));
  return (
    <figure className="chart-card">
      <figcaption className="chart-title">
        <span>{histogram.attribute}</span>
        {histogram.missing > 0 ? <span className="chart-value">{formatCount(histogram.missing)} missing</span> : null}
        <ChartSave title={histogram.attribute} />
      </figcaption>
      <div className="chart-body chart-body-small">
        {rows.length === 0 ? (
          <div className="chart-empty">no values</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ top: 6, right: 8, bottom: 0, left: 0 }} barCategoryGap={1}>
              <CartesianGrid stroke={gridInk} vertical={false} />
              <XAxis dataKey="label" tick={tickStyle} interval="preserveStartEnd" minTickGap={12} />
              <YAxis tick={tickStyle} width={40} allowDecimals={false} />
              <Tooltip
                formatter={(value) => formatCount(Number(value))}
                labelFormatter={(_label, payload) => String(payload?.[0]?.payload?.range ?? _label)}
                contentStyle={{ fontSize: 12 }}
              />
              <Bar dataKey="count" name="images" fill={accent} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
