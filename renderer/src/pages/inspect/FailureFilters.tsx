import type { AttributeInfo, PairType } from '../../api/index.js';
import { RuleBuilder } from '../split/RuleBuilder.js';
import type { GroupDraft } from '../../lib/rule-builder.js';

export type FailureKind = 'all' | 'false-reject' | 'false-accept';

export interface FilterState {
  kind: FailureKind;
  pairType: PairType | '';
  attributes: GroupDraft;
}

/** FiftyOne-style side bar: which mistakes, which pair type, and attribute conditions on either image. */
export function FailureFilters({
  state,
  onChange,
  attributes,
  errors,
}: {
  state: FilterState;
  onChange: (state: FilterState) => void;
  attributes: AttributeInfo[];
  errors: Record<string, string>;
}) {
  return (
    <aside className="filters" aria-label="Filters">
      <fieldset className="filter-group">
        <legend className="field-label">Mistakes</legend>
        {(
          [
            ['all', 'all'],
            ['false-reject', 'false rejects (genuine, low score)'],
            ['false-accept', 'false accepts (impostor, high score)'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="radio">
            <input
              type="radio"
              name="failure-kind"
              value={value}
              checked={state.kind === value}
              onChange={() => onChange({ ...state, kind: value })}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <div className="filter-group">
        <label className="field-label" htmlFor="pair-type">
          Pair type
        </label>
        <select
          id="pair-type"
          className="input"
          value={state.pairType}
          onChange={(e) => onChange({ ...state, pairType: e.target.value as PairType | '' })}
        >
          <option value="">all types</option>
          <option value="easy-easy">easy-easy</option>
          <option value="easy-hard">easy-hard</option>
          <option value="hard-hard">hard-hard</option>
        </select>
      </div>
      <div className="filter-group">
        <span className="field-label">Attributes (either image)</span>
        {state.attributes.items.length === 0 ? <p className="muted small">No attribute filter.</p> : null}
        <RuleBuilder
          root={state.attributes}
          onChange={(attributesDraft) => onChange({ ...state, attributes: { ...attributesDraft, combine: 'and' } })}
          attributes={attributes}
          errors={errors}
          side="Filter"
          flat
        />
      </div>
    </aside>
  );
}
