import type {
  AttributeFilter,
  AttributeInfo,
  Comparison,
  SplitCondition,
  SplitDefinition,
  SplitRule,
} from '../../../app/api/contract/index.js';

// The Split page's rule builder: an editable tree of drafts (text as typed) that becomes the
// contract's rule JSON only when every condition is complete. One nesting level in the UI
// (groups inside the top group) covers "|yaw| >= 45 or (resolution <= 0.25 and light <= 0.45)".

export interface ConditionDraft {
  id: string;
  kind: 'condition';
  attribute: string;
  abs: boolean;
  op: Comparison;
  /** As typed: parsed as a number for numeric attributes. */
  value: string;
}

/** A condition the builder shows but does not edit (model-based or manual tags from a saved split). */
export interface FixedDraft {
  id: string;
  kind: 'fixed';
  condition: SplitCondition;
}

export interface GroupDraft {
  id: string;
  kind: 'group';
  combine: 'and' | 'or';
  items: Array<ConditionDraft | GroupDraft | FixedDraft>;
}

export type DraftNode = ConditionDraft | GroupDraft | FixedDraft;

let nextId = 0;
/** Ids only need to be unique within a page session (React keys, error lookup). */
export function draftId(): string {
  nextId += 1;
  return `d${nextId}`;
}

export function conditionDraft(partial: Partial<Omit<ConditionDraft, 'id' | 'kind'>> = {}): ConditionDraft {
  return { id: draftId(), kind: 'condition', attribute: '', abs: false, op: '>=', value: '', ...partial };
}

export function groupDraft(combine: 'and' | 'or', items: DraftNode[]): GroupDraft {
  return { id: draftId(), kind: 'group', combine, items };
}

/** A sensible first rule: the SynthFaces pose rule when the attributes allow it, else a midpoint threshold. */
export function defaultHardDraft(attributes: readonly AttributeInfo[]): GroupDraft {
  const byName = new Map(attributes.map((a) => [a.name, a]));
  if (byName.has('abs_yaw')) return groupDraft('or', [conditionDraft({ attribute: 'abs_yaw', op: '>=', value: '45' })]);
  if (byName.has('yaw'))
    return groupDraft('or', [conditionDraft({ attribute: 'yaw', abs: true, op: '>=', value: '45' })]);
  if (byName.has('resolution'))
    return groupDraft('or', [conditionDraft({ attribute: 'resolution', op: '<=', value: '0.25' })]);
  const numeric = attributes.find((a) => a.kind === 'numeric' && a.min != null && a.max != null);
  if (numeric) {
    const middle = ((numeric.min as number) + (numeric.max as number)) / 2;
    return groupDraft('or', [
      conditionDraft({ attribute: numeric.name, op: '<=', value: String(Number(middle.toPrecision(3))) }),
    ]);
  }
  const first = attributes[0];
  return groupDraft('or', [
    conditionDraft(first ? { attribute: first.name, op: '==', value: first.values?.[0] ?? '' } : {}),
  ]);
}

// ---- tree edits (immutable) ----

function mapGroup(group: GroupDraft, edit: (group: GroupDraft) => GroupDraft): GroupDraft {
  const edited = edit(group);
  return { ...edited, items: edited.items.map((item) => (item.kind === 'group' ? mapGroup(item, edit) : item)) };
}

export function updateNode(
  root: GroupDraft,
  id: string,
  patch: Partial<ConditionDraft> | Partial<Pick<GroupDraft, 'combine'>>,
): GroupDraft {
  if (root.id === id) return { ...root, ...(patch as Partial<GroupDraft>) };
  return mapGroup(root, (group) => ({
    ...group,
    items: group.items.map((item) => (item.id === id ? ({ ...item, ...patch } as DraftNode) : item)),
  }));
}

export function removeNode(root: GroupDraft, id: string): GroupDraft {
  return mapGroup(root, (group) => ({ ...group, items: group.items.filter((item) => item.id !== id) }));
}

export function appendToGroup(root: GroupDraft, groupId: string, node: DraftNode): GroupDraft {
  return mapGroup(root, (group) => (group.id === groupId ? { ...group, items: [...group.items, node] } : group));
}

// ---- drafts <-> rule JSON ----

export interface DraftResult {
  /** The rule, when every condition is complete. */
  rule: SplitRule | undefined;
  /** Problems by draft id, in words for the person editing. */
  errors: Record<string, string>;
}

/** A complete attribute condition as the builder edits it (one value, no "in"). */
interface AttributeCondition {
  kind: 'attribute';
  attribute: string;
  op: Comparison;
  value: number | string;
  abs?: boolean;
}

function conditionFromDraft(
  draft: ConditionDraft,
  attributes: ReadonlyMap<string, AttributeInfo>,
  errors: Record<string, string>,
): AttributeCondition | undefined {
  if (!draft.attribute) {
    errors[draft.id] = 'choose an attribute';
    return undefined;
  }
  const info = attributes.get(draft.attribute);
  const text = draft.value.trim();
  if (text === '') {
    errors[draft.id] = 'enter a value';
    return undefined;
  }
  const numericAttribute = info ? info.kind === 'numeric' : Number.isFinite(Number(text));
  const ordering = ['<', '<=', '>', '>='].includes(draft.op);
  if (numericAttribute || ordering || draft.abs) {
    const value = Number(text);
    if (!Number.isFinite(value)) {
      errors[draft.id] = `"${text}" is not a number`;
      return undefined;
    }
    const condition: AttributeCondition = { kind: 'attribute', attribute: draft.attribute, op: draft.op, value };
    return draft.abs ? { ...condition, abs: true } : condition;
  }
  return { kind: 'attribute', attribute: draft.attribute, op: draft.op, value: text };
}

function ruleFromGroup(
  group: GroupDraft,
  attributes: ReadonlyMap<string, AttributeInfo>,
  errors: Record<string, string>,
): SplitRule | undefined {
  const conditions: Array<SplitCondition | SplitRule> = [];
  let complete = true;
  for (const item of group.items) {
    const built =
      item.kind === 'group'
        ? ruleFromGroup(item, attributes, errors)
        : item.kind === 'fixed'
          ? item.condition
          : conditionFromDraft(item, attributes, errors);
    if (built) conditions.push(built);
    else complete = false;
  }
  if (conditions.length === 0 && complete) {
    errors[group.id] = 'add at least one condition';
    return undefined;
  }
  return complete ? { combine: group.combine, conditions } : undefined;
}

export function draftToRule(group: GroupDraft, attributes: readonly AttributeInfo[]): DraftResult {
  const errors: Record<string, string> = {};
  const rule = ruleFromGroup(group, new Map(attributes.map((a) => [a.name, a])), errors);
  return { rule: Object.keys(errors).length === 0 ? rule : undefined, errors };
}

/** The split definition of the builder: hard rule, and the easy rule when the user defines one. */
export function draftsToDefinition(
  hard: GroupDraft,
  easy: GroupDraft | null,
  attributes: readonly AttributeInfo[],
): { definition: SplitDefinition | undefined; errors: Record<string, string> } {
  const hardResult = draftToRule(hard, attributes);
  const easyResult = easy ? draftToRule(easy, attributes) : { rule: undefined, errors: {} };
  const errors = { ...hardResult.errors, ...easyResult.errors };
  if (!hardResult.rule || (easy && !easyResult.rule)) return { definition: undefined, errors };
  return {
    definition: easyResult.rule ? { hard: hardResult.rule, easy: easyResult.rule } : { hard: hardResult.rule },
    errors,
  };
}

/** A flat list of conditions as the failure gallery's attribute filters (all must hold on either image). */
export function draftToFilters(
  group: GroupDraft,
  attributes: readonly AttributeInfo[],
): { filters: AttributeFilter[] | undefined; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const byName = new Map(attributes.map((a) => [a.name, a]));
  const filters: AttributeFilter[] = [];
  for (const item of group.items) {
    if (item.kind !== 'condition') continue;
    const condition = conditionFromDraft(item, byName, errors);
    if (condition)
      filters.push({
        attribute: condition.attribute,
        op: condition.op,
        value: condition.value,
        abs: condition.abs ?? false,
      });
  }
  return { filters: Object.keys(errors).length === 0 ? filters : undefined, errors };
}

function isRule(node: SplitCondition | SplitRule): node is SplitRule {
  return 'combine' in node;
}

/** A saved rule back into drafts (to edit a saved split). */
export function ruleToDraft(rule: SplitRule): GroupDraft {
  return groupDraft(
    rule.combine,
    rule.conditions.map((node): DraftNode => {
      if (isRule(node)) return ruleToDraft(node);
      if (node.kind === 'attribute' && node.op !== 'in' && !Array.isArray(node.value)) {
        return conditionDraft({
          attribute: node.attribute,
          abs: node.abs ?? false,
          op: node.op,
          value: String(node.value),
        });
      }
      return { id: draftId(), kind: 'fixed', condition: node };
    }),
  );
}

/** A one-line reading of a condition or rule, e.g. "|yaw| ≥ 45 or resolution ≤ 0.25". */
export function describeRule(node: SplitCondition | SplitRule): string {
  if (isRule(node)) {
    const parts = node.conditions.map((child) =>
      isRule(child) && child.conditions.length > 1 ? `(${describeRule(child)})` : describeRule(child),
    );
    return parts.join(node.combine === 'and' ? ' and ' : ' or ');
  }
  switch (node.kind) {
    case 'attribute': {
      const name = node.abs ? `|${node.attribute}|` : node.attribute;
      const value = Array.isArray(node.value) ? `{${node.value.join(', ')}}` : String(node.value);
      return `${name} ${node.op === 'in' ? '∈' : opSymbol(node.op)} ${value}`;
    }
    case 'percentile': {
      const score = node.score ?? `hardness under run ${node.runId ?? '?'}`;
      return node.below !== undefined
        ? `${score} in the lowest ${node.below}%`
        : `${score} in the highest ${node.above ?? '?'}%`;
    }
    case 'images':
      return `${node.imageIds.length} selected images`;
    case 'tag':
      return `tagged “${node.tag}”`;
    case 'not':
      return `not (${describeRule(node.condition)})`;
  }
}

export function opSymbol(op: Comparison): string {
  return { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=', '!=': '≠' }[op];
}
