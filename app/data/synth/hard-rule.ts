// The easy/hard rule a preset ships with, as plain JSON the split-rule engine can read:
//   { "any": [ { "attribute": "abs_yaw", "op": ">=", "value": 45 }, ... ] }   (hard if any holds)
//   { "all": [ ... ] }                                                          (hard if all hold)
// attribute names a numeric column of attributes.csv; op is one of >=, >, <=, <, ==, !=.
import { z } from 'zod';

export const comparisonOps = ['>=', '>', '<=', '<', '==', '!='] as const;
export type ComparisonOp = (typeof comparisonOps)[number];

export interface HardCondition {
  attribute: string;
  op: ComparisonOp;
  value: number;
}

export type HardRule = { any: HardCondition[] } | { all: HardCondition[] };

const conditionSchema = z
  .object({
    attribute: z.string().min(1),
    op: z.enum(comparisonOps),
    value: z.number().finite(),
  })
  .strict();

export const hardRuleSchema = z.union([
  z.object({ any: z.array(conditionSchema).min(1) }).strict(),
  z.object({ all: z.array(conditionSchema).min(1) }).strict(),
]);

function holds(c: HardCondition, value: number | undefined): boolean {
  if (value === undefined || Number.isNaN(value)) return false;
  switch (c.op) {
    case '>=':
      return value >= c.value;
    case '>':
      return value > c.value;
    case '<=':
      return value <= c.value;
    case '<':
      return value < c.value;
    case '==':
      return value === c.value;
    case '!=':
      return value !== c.value;
  }
}

/** True when the image with these attributes is hard under the rule (a missing attribute never holds). */
export function isHard(rule: HardRule, attributes: Readonly<Record<string, number>>): boolean {
  return 'any' in rule
    ? rule.any.some((c) => holds(c, attributes[c.attribute]))
    : rule.all.every((c) => holds(c, attributes[c.attribute]));
}
