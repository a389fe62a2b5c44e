import { describe, expect, it } from 'vitest';
import { splitDefinitionSchema, type AttributeInfo } from '../../app/api/contract/index.js';
import {
  appendToGroup,
  conditionDraft,
  defaultHardDraft,
  describeRule,
  draftToFilters,
  draftToRule,
  draftsToDefinition,
  groupDraft,
  removeNode,
  ruleToDraft,
  updateNode,
} from '../../renderer/src/lib/rule-builder.js';

const attributes: AttributeInfo[] = [
  { name: 'yaw', kind: 'numeric', source: 'file', min: -90, max: 90 },
  { name: 'resolution', kind: 'numeric', source: 'file', min: 0.125, max: 1 },
  { name: 'light', kind: 'numeric', source: 'file', min: 0.2, max: 1.2 },
  { name: 'race', kind: 'categorical', source: 'file', values: ['a', 'b'] },
];

describe('rule builder drafts -> contract rule JSON', () => {
  it('turns |yaw| >= 45 or (resolution <= 0.25 and light <= 0.45) into the contract rule', () => {
    const pose = conditionDraft({ attribute: 'yaw', abs: true, op: '>=', value: '45' });
    const lowRes = conditionDraft({ attribute: 'resolution', op: '<=', value: '0.25' });
    const dark = conditionDraft({ attribute: 'light', op: '<=', value: ' 0.45 ' });
    const root = groupDraft('or', [pose, groupDraft('and', [lowRes, dark])]);
    const { rule, errors } = draftToRule(root, attributes);
    expect(errors).toEqual({});
    expect(rule).toEqual({
      combine: 'or',
      conditions: [
        { kind: 'attribute', attribute: 'yaw', op: '>=', value: 45, abs: true },
        {
          combine: 'and',
          conditions: [
            { kind: 'attribute', attribute: 'resolution', op: '<=', value: 0.25 },
            { kind: 'attribute', attribute: 'light', op: '<=', value: 0.45 },
          ],
        },
      ],
    });
    expect(splitDefinitionSchema.safeParse({ hard: rule }).success).toBe(true);
    expect(describeRule(rule!)).toBe('|yaw| ≥ 45 or (resolution ≤ 0.25 and light ≤ 0.45)');
  });

  it('keeps categorical values as text and refuses a number that is not one', () => {
    const race = conditionDraft({ attribute: 'race', op: '==', value: 'b' });
    expect(draftToRule(groupDraft('and', [race]), attributes).rule).toEqual({
      combine: 'and',
      conditions: [{ kind: 'attribute', attribute: 'race', op: '==', value: 'b' }],
    });
    const bad = conditionDraft({ attribute: 'yaw', op: '>=', value: 'abc' });
    const { rule, errors } = draftToRule(groupDraft('or', [bad]), attributes);
    expect(rule).toBeUndefined();
    expect(errors[bad.id]).toBe('"abc" is not a number');
  });

  it('names each incomplete condition and an empty group', () => {
    const noValue = conditionDraft({ attribute: 'yaw', value: '' });
    const noAttribute = conditionDraft({ attribute: '', value: '3' });
    const empty = groupDraft('and', []);
    const { rule, errors } = draftToRule(groupDraft('or', [noValue, noAttribute, empty]), attributes);
    expect(rule).toBeUndefined();
    expect(errors).toEqual({
      [noValue.id]: 'enter a value',
      [noAttribute.id]: 'choose an attribute',
      [empty.id]: 'add at least one condition',
    });
  });

  it('adds the easy rule only when the user defines one', () => {
    const hard = groupDraft('or', [conditionDraft({ attribute: 'yaw', abs: true, op: '>=', value: '45' })]);
    expect(draftsToDefinition(hard, null, attributes).definition).toEqual({ hard: draftToRule(hard, attributes).rule });
    const easy = groupDraft('and', [conditionDraft({ attribute: 'yaw', abs: true, op: '<', value: '20' })]);
    const both = draftsToDefinition(hard, easy, attributes).definition;
    expect(both?.easy).toEqual({
      combine: 'and',
      conditions: [{ kind: 'attribute', attribute: 'yaw', op: '<', value: 20, abs: true }],
    });
  });

  it('edits the tree without mutating it', () => {
    const a = conditionDraft({ attribute: 'yaw', value: '1' });
    const root = groupDraft('or', [a]);
    const added = appendToGroup(root, root.id, conditionDraft({ attribute: 'light', value: '2' }));
    expect(root.items).toHaveLength(1);
    expect(added.items).toHaveLength(2);
    const changed = updateNode(added, a.id, { value: '5' });
    expect((changed.items[0] as typeof a).value).toBe('5');
    expect(updateNode(changed, root.id, { combine: 'and' }).combine).toBe('and');
    expect(removeNode(changed, a.id).items).toHaveLength(1);
  });

  it('round-trips a saved rule, keeping conditions it cannot edit as fixed items', () => {
    const saved = {
      combine: 'or' as const,
      conditions: [
        { kind: 'attribute' as const, attribute: 'yaw', op: '>=' as const, value: 45, abs: true },
        { kind: 'tag' as const, tag: 'blurry' },
      ],
    };
    const draft = ruleToDraft(saved);
    expect(draft.items[1]?.kind).toBe('fixed');
    expect(draftToRule(draft, attributes).rule).toEqual(saved);
  });

  it('starts from the SynthFaces pose rule when abs_yaw exists', () => {
    const draft = defaultHardDraft([{ name: 'abs_yaw', kind: 'numeric', source: 'file', min: 0, max: 90 }]);
    expect(draftToRule(draft, []).rule).toEqual({
      combine: 'or',
      conditions: [{ kind: 'attribute', attribute: 'abs_yaw', op: '>=', value: 45 }],
    });
  });

  it('makes failure-gallery filters, an empty list being no filter', () => {
    expect(draftToFilters(groupDraft('and', []), attributes).filters).toEqual([]);
    const { filters } = draftToFilters(
      groupDraft('and', [conditionDraft({ attribute: 'yaw', abs: true, op: '>', value: '60' })]),
      attributes,
    );
    expect(filters).toEqual([{ attribute: 'yaw', op: '>', value: 60, abs: true }]);
  });
});
