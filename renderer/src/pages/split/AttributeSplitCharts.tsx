import { useMemo, useState } from 'react';
import type { SplitRule, SplitCondition, SplitSummary } from '../../api/index.js';
import { EasyHardChart, type EasyHardRow } from '../../charts/EasyHardChart.js';
import { formatNumber } from '../../lib/format.js';

type AttributeCounts = SplitSummary['perAttribute'][number];

function ruleAttributes(node: SplitRule | SplitCondition, into = new Set<string>()): Set<string> {
  if ('combine' in node) node.conditions.forEach((child) => ruleAttributes(child, into));
  else if (node.kind === 'attribute') into.add(node.attribute);
  else if (node.kind === 'not') ruleAttributes(node.condition, into);
  return into;
}

function rowsOf(counts: AttributeCounts): EasyHardRow[] {
  if (counts.bins) {
    const width =
      counts.bins.length > 0
        ? (counts.bins[0] as { x0: number; x1: number }).x1 - (counts.bins[0] as { x0: number }).x0
        : 1;
    const digits = width >= 10 ? 0 : width >= 1 ? 1 : width >= 0.1 ? 2 : 3;
    return counts.bins.map((bin) => ({
      label: ((bin.x0 + bin.x1) / 2).toFixed(digits),
      range: `${formatNumber(bin.x0, 3)} – ${formatNumber(bin.x1, 3)}`,
      easy: bin.easy,
      hard: bin.hard,
    }));
  }
  return (counts.categories ?? []).map((c) => ({ label: c.value, range: c.value, easy: c.easy, hard: c.hard }));
}

/** Where the rule cuts: easy and hard counts along each attribute, the rule's own attributes first. */
export function AttributeSplitCharts({
  summary,
  hard,
  stale,
}: {
  summary: SplitSummary;
  hard: SplitRule | undefined;
  stale: boolean;
}) {
  const [showAll, setShowAll] = useState(false);
  const ordered = useMemo(() => {
    const used = hard ? ruleAttributes(hard) : new Set<string>();
    return [...summary.perAttribute].sort(
      (a, b) =>
        Number(used.has(b.attribute)) - Number(used.has(a.attribute)) ||
        Number(a.source === 'measured') - Number(b.source === 'measured'),
    );
  }, [summary.perAttribute, hard]);
  const shown = showAll ? ordered : ordered.slice(0, 6);
  return (
    <div className={`panel${stale ? ' is-stale' : ''}`}>
      <div className="panel-header">
        <h2 className="panel-title">Easy and hard along each attribute</h2>
        <span className="muted">images per bin, stacked</span>
      </div>
      {ordered.length === 0 ? (
        <p className="muted">No attribute counts for this rule.</p>
      ) : (
        <div className="chart-grid chart-grid-3">
          {shown.map((counts) => (
            <EasyHardChart
              key={counts.attribute}
              title={`${counts.attribute}${counts.source === 'measured' ? ' (measured)' : ''}`}
              rows={rowsOf(counts)}
            />
          ))}
        </div>
      )}
      {ordered.length > 6 ? (
        <button type="button" className="button button-small chart-more" onClick={() => setShowAll(!showAll)}>
          {showAll ? 'Show fewer attributes' : `Show all ${ordered.length} attributes`}
        </button>
      ) : null}
    </div>
  );
}
