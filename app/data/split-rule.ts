import { z } from 'zod';
import {
  splitComparisonOps,
  type SplitCondition as RuleCondition,
  type SplitDefinition as RuleDefinition,
  type SplitRule,
} from '../vocabulary/index.js';

// Split rules: what "hard" (and optionally "easy") means for a dataset, as plain JSON.
// The canonical form is the lab's vocabulary (app/vocabulary/split-rule.ts) — groups
// `{ "combine": "and"|"or", "conditions": [...] }` of conditions with a `kind` — extended with
// `in`, `not`, named per-image scores and tags. Hand-written rules may use shorthands, which
// parse to the same thing:
//   { "all": [...] } / { "any": [...] }            -> combine and / or
//   { "not": <condition> }
//   { "attr": "yaw", "abs": true, "op": ">=", "value": 45 }   (also "attribute", "measured")
//   { "percentile": { "score": "hardness", "above": 90 } }
//   { "tag": "blurry" }, { "images": [12, 13] }
// Missing values never match a comparison (so `not` of one does).

export type ScalarValue = number | string;

// The vocabulary's rule types; a hand-written rule may name images by number as well as by id.
type ImageRef = number | string;
export type SplitCondition = RuleCondition<ImageRef>;
export type SplitRuleGroup = SplitRule<ImageRef>;
export type SplitDefinition = RuleDefinition<ImageRef>;

export type SplitNode = SplitCondition | SplitRuleGroup;

export interface SplitRuleIssue {
  path: string;
  message: string;
}

export class SplitRuleError extends Error {
  constructor(readonly issues: SplitRuleIssue[]) {
    super(`Invalid split rule: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'SplitRuleError';
  }
}

const scalar = z.union([z.number(), z.string()], { error: 'value must be a number or a text' });
const attributeSchema = z
  .strictObject({
    kind: z.literal('attribute'),
    attribute: z.string({ error: 'attribute must be a name, e.g. "yaw"' }).min(1, 'name the attribute, e.g. "yaw"'),
    op: z.enum(splitComparisonOps, { error: `op must be one of ${splitComparisonOps.join(' ')}` }),
    value: z.union([scalar, z.array(scalar).min(1, '"in" needs at least one value')], {
      error: 'value must be a number, a text, or (for "in") a list',
    }),
    abs: z.boolean({ error: 'abs must be true or false' }).optional(),
  })
  .superRefine((c, ctx) => {
    const list = Array.isArray(c.value);
    if (c.op === 'in' && !list)
      ctx.addIssue({ code: 'custom', path: ['value'], message: '"in" needs a list of values, e.g. [0, 1]' });
    if (c.op !== 'in' && list)
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `"${c.op}" compares with one value; use "in" for a list`,
      });
    if (['<', '<=', '>', '>='].includes(c.op) && typeof c.value !== 'number')
      ctx.addIssue({ code: 'custom', path: ['value'], message: `"${c.op}" needs a number` });
    if (c.abs && (list ? (c.value as ScalarValue[]).some((v) => typeof v !== 'number') : typeof c.value !== 'number')) {
      ctx.addIssue({ code: 'custom', path: ['abs'], message: 'abs compares numbers; the value must be a number' });
    }
  });
const percent = z.number({ error: 'must be a percentage' }).gt(0, 'must be above 0').lt(100, 'must be below 100');
const percentileSchema = z
  .strictObject({
    kind: z.literal('percentile'),
    score: z.string().min(1).optional(),
    runId: z.string().min(1).optional(),
    below: percent.optional(),
    above: percent.optional(),
  })
  .superRefine((c, ctx) => {
    if ((c.below === undefined) === (c.above === undefined))
      ctx.addIssue({ code: 'custom', message: 'give exactly one of "below" or "above" (a percentage)' });
    if (!c.score && !c.runId)
      ctx.addIssue({ code: 'custom', message: 'name the per-image score ("score": "hardness") or the run ("runId")' });
  });
const imagesSchema = z.strictObject({
  kind: z.literal('images'),
  imageIds: z
    .array(z.union([z.int().positive(), z.string().regex(/^\d+$/, 'image ids are whole numbers')]), {
      error: 'imageIds must be a list of image ids',
    })
    .min(1, 'list at least one image id'),
});
const tagSchema = z.strictObject({
  kind: z.literal('tag'),
  tag: z.string({ error: 'tag must be a text' }).min(1, 'name the tag'),
});

const conditionHelp =
  'expected {"combine":"and"|"or","conditions":[...]}, {"all":[...]}, {"any":[...]}, {"not":...}, ' +
  '{"kind":"attribute","attribute":"yaw","op":">=","value":45}, {"kind":"percentile","score":"...","below":10}, {"kind":"tag","tag":"..."} or {"kind":"images","imageIds":[...]}';

const conditionKeys = [
  'combine',
  'conditions',
  'all',
  'any',
  'not',
  'kind',
  'attr',
  'attribute',
  'measured',
  'percentile',
  'tag',
  'images',
];

/**
 * Validates a rule (canonical or shorthand) and returns its canonical form; throws SplitRuleError
 * listing every problem. A bare condition or group (as SynthFaces' split-rule.json) is the hard rule.
 */
export function parseSplitDefinition(rule: unknown): SplitDefinition {
  const issues: SplitRuleIssue[] = [];
  if (!isObject(rule))
    throw new SplitRuleError([{ path: 'rule', message: 'a split rule is a JSON object like {"hard": {...}}' }]);
  const input =
    rule.hard === undefined && Object.keys(rule).some((k) => conditionKeys.includes(k))
      ? ({ hard: rule } as Record<string, unknown>)
      : rule;
  const known = new Set(['hard', 'easy', 'manualTags']);
  for (const key of Object.keys(input))
    if (!known.has(key))
      issues.push({
        path: `rule.${key}`,
        message: 'unknown field; a rule has "hard", optional "easy" and optional "manualTags"',
      });
  if (input.hard === undefined)
    issues.push({
      path: 'rule.hard',
      message: 'say which images are hard, e.g. {"any": [{"attr": "yaw", "abs": true, "op": ">=", "value": 45}]}',
    });
  const hard = input.hard === undefined ? null : asGroup(parseNode(input.hard, 'rule.hard', issues));
  const easy = input.easy === undefined ? undefined : asGroup(parseNode(input.easy, 'rule.easy', issues));
  if (input.manualTags !== undefined && typeof input.manualTags !== 'boolean')
    issues.push({ path: 'rule.manualTags', message: 'must be true or false' });
  if (issues.length || !hard) throw new SplitRuleError(issues);
  const out: SplitDefinition = { hard };
  if (easy) out.easy = easy;
  if (input.manualTags !== undefined) out.manualTags = input.manualTags as boolean;
  return out;
}

function asGroup(node: SplitNode | null): SplitRuleGroup {
  if (!node) return { combine: 'and', conditions: [] };
  return 'combine' in node ? node : { combine: 'and', conditions: [node] };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseNode(node: unknown, path: string, issues: SplitRuleIssue[]): SplitNode | null {
  if (!isObject(node)) {
    issues.push({ path, message: conditionHelp });
    return null;
  }
  if ('combine' in node || 'conditions' in node) {
    const extra = Object.keys(node).filter((k) => k !== 'combine' && k !== 'conditions');
    if (extra.length)
      issues.push({ path, message: `unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')} in a group` });
    if (node.combine !== 'and' && node.combine !== 'or')
      issues.push({ path: `${path}.combine`, message: 'must be "and" or "or"' });
    return {
      combine: node.combine === 'or' ? 'or' : 'and',
      conditions: parseList(node.conditions, `${path}.conditions`, issues),
    };
  }
  if ('all' in node || 'any' in node) {
    const key = 'all' in node ? 'all' : 'any';
    if (Object.keys(node).length > 1) issues.push({ path, message: `"${key}" stands alone in its object` });
    return { combine: key === 'all' ? 'and' : 'or', conditions: parseList(node[key], `${path}.${key}`, issues) };
  }
  if ('not' in node || node.kind === 'not') {
    const inner = 'not' in node ? node.not : node.condition;
    const child = parseNode(inner, `${path}.${'not' in node ? 'not' : 'condition'}`, issues);
    return child ? { kind: 'not', condition: child } : null;
  }
  const canonical = 'kind' in node ? node : shorthand(node);
  if (!canonical) {
    issues.push({ path, message: conditionHelp });
    return null;
  }
  const schema = { attribute: attributeSchema, percentile: percentileSchema, images: imagesSchema, tag: tagSchema }[
    String(canonical.kind)
  ];
  if (!schema) {
    issues.push({
      path: `${path}.kind`,
      message: `unknown kind "${String(canonical.kind)}"; use attribute, percentile, tag, images or not`,
    });
    return null;
  }
  const parsed = schema.safeParse(canonical);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      issues.push({ path: [path, ...issue.path.map(String)].join('.'), message: issue.message });
    return null;
  }
  return parsed.data as SplitCondition;
}

function parseList(list: unknown, path: string, issues: SplitRuleIssue[]): SplitNode[] {
  if (!Array.isArray(list) || list.length === 0) {
    issues.push({ path, message: 'must be a non-empty list of conditions' });
    return [];
  }
  return list.map((n, i) => parseNode(n, `${path}[${i}]`, issues)).filter((n): n is SplitNode => n !== null);
}

function shorthand(node: Record<string, unknown>): Record<string, unknown> | null {
  const name = node.attr ?? node.attribute ?? node.measured;
  if (name !== undefined) {
    const { attr: _a, attribute: _b, measured: _m, ...rest } = node;
    return { kind: 'attribute', attribute: name, ...rest };
  }
  if ('percentile' in node)
    return isObject(node.percentile)
      ? { kind: 'percentile', ...node.percentile }
      : { kind: 'percentile', invalid: node.percentile };
  if ('tag' in node) return { kind: 'tag', ...node };
  if ('images' in node) return { kind: 'images', imageIds: node.images };
  return null;
}
