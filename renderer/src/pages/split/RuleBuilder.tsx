import type { AttributeInfo, Comparison } from '../../api/index.js';
import {
  appendToGroup,
  conditionDraft,
  describeRule,
  groupDraft,
  removeNode,
  updateNode,
  type ConditionDraft,
  type DraftNode,
  type GroupDraft,
} from '../../lib/rule-builder.js';

const ops: Array<{ value: Comparison; label: string }> = [
  { value: '>=', label: '≥' },
  { value: '>', label: '>' },
  { value: '<=', label: '≤' },
  { value: '<', label: '<' },
  { value: '==', label: '=' },
  { value: '!=', label: '≠' },
];

interface BuilderProps {
  root: GroupDraft;
  onChange: (root: GroupDraft) => void;
  attributes: AttributeInfo[];
  errors: Record<string, string>;
  /** "Hard" or "Easy": names the rule in labels. */
  side: string;
  /** A flat list combined with "all" (attribute filters): no combine choice, no groups. */
  flat?: boolean;
}

/** The rule as rows of attribute / comparison / threshold, combined with all/any, one nesting level of groups. */
export function RuleBuilder({ root, onChange, attributes, errors, side, flat = false }: BuilderProps) {
  return <GroupEditor group={root} depth={0} path={side} {...{ root, onChange, attributes, errors, side, flat }} />;
}

function GroupEditor({
  group,
  depth,
  path,
  root,
  onChange,
  attributes,
  errors,
  side,
  flat,
}: BuilderProps & { group: GroupDraft; depth: number; path: string }) {
  const firstAttribute = attributes.find((a) => a.kind === 'numeric') ?? attributes[0];
  const addCondition = () =>
    onChange(
      appendToGroup(
        root,
        group.id,
        conditionDraft({
          attribute: firstAttribute?.name ?? '',
          op: firstAttribute?.kind === 'categorical' ? '==' : '>=',
        }),
      ),
    );
  const addGroup = () =>
    onChange(
      appendToGroup(root, group.id, groupDraft('and', [conditionDraft({ attribute: firstAttribute?.name ?? '' })])),
    );
  const combineId = `${path}-combine`;
  return (
    <div
      className={`rule-group${depth > 0 ? ' rule-group-nested' : ''}`}
      role="group"
      aria-label={depth === 0 ? `${side} rule` : `${path} group`}
    >
      {flat ? null : (
        <div className="rule-group-head">
          <span>{depth === 0 ? `${side} images match` : 'Match'}</span>
          <label className="sr-only" htmlFor={combineId}>
            {depth === 0 ? `${side} rule: combine conditions with` : `${path}: combine with`}
          </label>
          <select
            id={combineId}
            className="input input-compact"
            value={group.combine}
            onChange={(e) => onChange(updateNode(root, group.id, { combine: e.target.value as 'and' | 'or' }))}
          >
            <option value="or">any</option>
            <option value="and">all</option>
          </select>
          <span>of these conditions</span>
          {depth > 0 ? (
            <button
              type="button"
              className="button button-small button-quiet rule-remove-group"
              onClick={() => onChange(removeNode(root, group.id))}
            >
              Remove group<span className="sr-only"> ({path})</span>
            </button>
          ) : null}
        </div>
      )}
      <ol className="rule-items">
        {group.items.map((item, i) => (
          <li key={item.id} className="rule-item">
            <ItemEditor
              node={item}
              label={`${path} ${depth > 0 ? '' : 'condition '}${i + 1}`.replace(/\s+/g, ' ')}
              depth={depth}
              {...{ root, onChange, attributes, errors, side, flat }}
            />
          </li>
        ))}
      </ol>
      {errors[group.id] ? <div className="field-error">{errors[group.id]}</div> : null}
      <div className="rule-actions">
        <button type="button" className="button button-small" onClick={addCondition}>
          + Condition
        </button>
        {depth === 0 && !flat ? (
          <button type="button" className="button button-small" onClick={addGroup}>
            + Group
          </button>
        ) : null}
      </div>
    </div>
  );
}

function ItemEditor({
  node,
  label,
  depth,
  ...props
}: BuilderProps & { node: DraftNode; label: string; depth: number }) {
  if (node.kind === 'group') return <GroupEditor group={node} depth={depth + 1} path={label} {...props} />;
  if (node.kind === 'fixed') {
    return (
      <div className="rule-row rule-row-fixed">
        <span>{describeRule(node.condition)}</span>
        <button
          type="button"
          className="button button-small button-quiet"
          onClick={() => props.onChange(removeNode(props.root, node.id))}
        >
          Remove<span className="sr-only"> {label}</span>
        </button>
      </div>
    );
  }
  return <ConditionRow condition={node} label={label} {...props} />;
}

function ConditionRow({
  condition,
  label,
  root,
  onChange,
  attributes,
  errors,
}: BuilderProps & { condition: ConditionDraft; label: string }) {
  const info = attributes.find((a) => a.name === condition.attribute);
  const numeric = info?.kind !== 'categorical';
  const set = (patch: Partial<ConditionDraft>) => onChange(updateNode(root, condition.id, patch));
  const error = errors[condition.id];
  const errorId = `${condition.id}-error`;
  const range =
    info && info.min != null && info.max != null
      ? `${Number(info.min.toPrecision(3))} … ${Number(info.max.toPrecision(3))}`
      : undefined;
  return (
    <div className={`rule-row${error ? ' rule-row-invalid' : ''}`}>
      <select
        className="input input-compact rule-attribute"
        aria-label={`${label}: attribute`}
        value={condition.attribute}
        onChange={(e) => {
          const next = attributes.find((a) => a.name === e.target.value);
          set({
            attribute: e.target.value,
            ...(next?.kind === 'categorical' ? { abs: false, op: '==', value: next.values?.[0] ?? '' } : {}),
          });
        }}
      >
        {!info ? <option value="">choose…</option> : null}
        {attributes.map((a) => (
          <option key={a.name} value={a.name}>
            {a.name}
            {a.source === 'measured' ? ' (measured)' : ''}
          </option>
        ))}
      </select>
      {numeric ? (
        <label className="rule-abs" title="compare the absolute value, e.g. |yaw|">
          <input
            type="checkbox"
            checked={condition.abs}
            onChange={(e) => set({ abs: e.target.checked })}
            aria-label={`${label}: compare absolute value`}
          />
          <span aria-hidden="true">|x|</span>
        </label>
      ) : null}
      <select
        className="input input-compact rule-op"
        aria-label={`${label}: comparison`}
        value={condition.op}
        onChange={(e) => set({ op: e.target.value as Comparison })}
      >
        {(numeric ? ops : ops.filter((o) => o.value === '==' || o.value === '!=')).map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {!numeric && info?.values?.length ? (
        <select
          className="input input-compact rule-value"
          aria-label={`${label}: value`}
          value={condition.value}
          onChange={(e) => set({ value: e.target.value })}
        >
          {info.values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      ) : (
        <input
          className="input input-compact rule-value"
          aria-label={`${label}: threshold`}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? errorId : undefined}
          inputMode={numeric ? 'decimal' : 'text'}
          value={condition.value}
          placeholder={range ?? 'value'}
          onChange={(e) => set({ value: e.target.value })}
        />
      )}
      <button
        type="button"
        className="button button-small button-quiet"
        onClick={() => onChange(removeNode(root, condition.id))}
        aria-label={`Remove ${label}`}
      >
        ✕
      </button>
      {error ? (
        <div className="field-error rule-error" id={errorId}>
          {error}
        </div>
      ) : range ? (
        <div className="field-help rule-error">range {range}</div>
      ) : null}
    </div>
  );
}
