import { describe, expect, it } from 'vitest';
import { hardRuleSchema, isHard } from './hard-rule.js';
import { getPreset, presetNames } from './presets.js';

describe('hard rules', () => {
  it('"any" is hard when one condition holds, "all" only when every one does; a missing attribute never holds', () => {
    const any = {
      any: [
        { attribute: 'abs_yaw', op: '>=' as const, value: 45 },
        { attribute: 'resolution', op: '<=' as const, value: 0.25 },
      ],
    };
    expect(isHard(any, { abs_yaw: 50, resolution: 1 })).toBe(true);
    expect(isHard(any, { abs_yaw: 10, resolution: 0.2 })).toBe(true);
    expect(isHard(any, { abs_yaw: 44.9, resolution: 0.26 })).toBe(false);
    expect(isHard(any, {})).toBe(false);
    const all = { all: any.any };
    expect(isHard(all, { abs_yaw: 50, resolution: 1 })).toBe(false);
    expect(isHard(all, { abs_yaw: 50, resolution: 0.25 })).toBe(true);
  });

  it('every preset ships a rule its own schema accepts; a malformed rule is refused', () => {
    for (const name of presetNames) expect(hardRuleSchema.safeParse(getPreset(name).rule).success).toBe(true);
    expect(hardRuleSchema.safeParse({ any: [{ attribute: 'yaw', op: '=>', value: 45 }] }).success).toBe(false);
    expect(hardRuleSchema.safeParse({ any: [] }).success).toBe(false);
  });
});
