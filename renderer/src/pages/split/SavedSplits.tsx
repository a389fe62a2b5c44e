import type { SplitInfo } from '../../api/index.js';
import { formatCount, formatTimestamp } from '../../lib/format.js';
import { describeRule } from '../../lib/rule-builder.js';

/** The dataset's saved splits: what each calls hard and what it gives; one click loads it into the builder. */
export function SavedSplits({
  splits,
  onLoad,
  onTrain,
}: {
  splits: SplitInfo[];
  onLoad: (split: SplitInfo) => void;
  onTrain: (split: SplitInfo) => void;
}) {
  if (splits.length === 0)
    return <p className="muted">No saved splits yet: name this one and save it to train with it.</p>;
  return (
    <ul className="saved-splits">
      {splits.map((split) => (
        <li key={split.id} className="saved-split">
          <div className="saved-split-head">
            <strong>{split.name}</strong>
            <span className="muted">{formatTimestamp(split.createdAt)}</span>
          </div>
          <div className="saved-split-rule">
            hard: {describeRule(split.definition.hard)}
            {split.definition.easy ? `; easy: ${describeRule(split.definition.easy)}` : ''}
          </div>
          <div className="muted">
            {formatCount(split.summary.easyImages)} easy · {formatCount(split.summary.hardImages)} hard ·{' '}
            {formatCount(split.summary.usableIdentities)} identities usable for DDL
          </div>
          <div className="saved-split-actions">
            <button type="button" className="button button-small" onClick={() => onLoad(split)}>
              Load<span className="sr-only"> split {split.name}</span>
            </button>
            <button type="button" className="button button-small" onClick={() => onTrain(split)}>
              Train with it<span className="sr-only"> (split {split.name})</span>
            </button>
          </div>
        </li>
      ))}
    </ul>
  );
}
