import type { SplitSummary } from '../../api/index.js';
import { formatCount, formatPercent } from '../../lib/format.js';

/** What the rule gives: easy/hard images, identities DDL can draw from, and plain-language warnings. */
export function SplitCounts({ summary, stale }: { summary: SplitSummary; stale: boolean }) {
  const shown = summary.easyImages + summary.hardImages + summary.excludedImages;
  const share = (n: number) => (shown > 0 ? n / shown : 0);
  return (
    <div className={`panel split-counts${stale ? ' is-stale' : ''}`} aria-live="polite" aria-busy={stale}>
      <div className="panel-header">
        <h2 className="panel-title">Counts</h2>
        <span className="muted">{stale ? 'updating…' : `${formatCount(summary.images)} images`}</span>
      </div>
      <div className="split-bar" aria-hidden="true">
        <span className="split-bar-easy" style={{ flexGrow: share(summary.easyImages) }} />
        <span className="split-bar-hard" style={{ flexGrow: share(summary.hardImages) }} />
        <span className="split-bar-excluded" style={{ flexGrow: share(summary.excludedImages) }} />
      </div>
      <dl className="stat-row stat-row-wrap">
        <div className="stat stat-easy">
          <dt>Easy images</dt>
          <dd data-testid="count-easy">{formatCount(summary.easyImages)}</dd>
          <dd className="stat-sub">{formatPercent(share(summary.easyImages))}</dd>
        </div>
        <div className="stat stat-hard">
          <dt>Hard images</dt>
          <dd data-testid="count-hard">{formatCount(summary.hardImages)}</dd>
          <dd className="stat-sub">{formatPercent(share(summary.hardImages))}</dd>
        </div>
        {summary.excludedImages > 0 ? (
          <div className="stat">
            <dt>Excluded</dt>
            <dd>{formatCount(summary.excludedImages)}</dd>
          </div>
        ) : null}
        <div className="stat">
          <dt>Identities</dt>
          <dd>{formatCount(summary.identities)}</dd>
        </div>
        <div className="stat">
          <dt>With hard images</dt>
          <dd>{formatCount(summary.identitiesWithHard)}</dd>
        </div>
        <div className="stat stat-key">
          <dt>Usable for DDL</dt>
          <dd data-testid="count-usable">{formatCount(summary.usableIdentities)}</dd>
          <dd className="stat-sub">≥ 2 easy and ≥ 1 hard</dd>
        </div>
      </dl>
      {summary.warnings.length > 0 ? (
        <ul className="warnings">
          {summary.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
