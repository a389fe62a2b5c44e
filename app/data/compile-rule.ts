import type { AttributeColumnData, DatasetColumns } from './dataset-columns.js';
import {
  SplitRuleError,
  type SplitCondition,
  type SplitDefinition,
  type SplitNode,
  type SplitRuleIssue,
} from './split-rule.js';

// Compiles a parsed split rule against a dataset's columns into plain closures over the image
// index: `test(i)` says whether image i matches, `distance(i)` how far (in standard deviations
// of the attribute that decides it) it is from flipping — Infinity where nothing is graded
// (categories, tags, missing values). Checks names and types against the dataset first.

/** Per-image scores by name (e.g. a model's "hardness"): image id -> score. */
export type SplitScores = Record<string, ReadonlyMap<number, number> | Readonly<Record<string, number>>>;

export interface CompiledNode {
  test(i: number): boolean;
  distance(i: number): number;
}

export interface CompiledSplit {
  hard: CompiledNode;
  easy: CompiledNode | null;
  manualTags: boolean;
  warnings: string[];
}

const never: CompiledNode = { test: () => false, distance: () => Infinity };

export function compileSplit(
  definition: SplitDefinition,
  columns: DatasetColumns,
  scores?: SplitScores,
): CompiledSplit {
  const issues: SplitRuleIssue[] = [];
  const warnings: string[] = [];
  const context = { columns, scores, issues, warnings };
  const hard = compileNode(definition.hard, 'rule.hard', context);
  const easy = definition.easy ? compileNode(definition.easy, 'rule.easy', context) : null;
  if (issues.length) throw new SplitRuleError(issues);
  return { hard, easy, manualTags: definition.manualTags ?? true, warnings };
}

interface Context {
  columns: DatasetColumns;
  scores: SplitScores | undefined;
  issues: SplitRuleIssue[];
  warnings: string[];
}

function compileNode(node: SplitNode, path: string, ctx: Context): CompiledNode {
  if ('combine' in node) {
    const children = node.conditions.map((c, i) => compileNode(c, `${path}.conditions[${i}]`, ctx));
    return node.combine === 'and' ? andNode(children) : orNode(children);
  }
  return compileCondition(node, path, ctx);
}

function andNode(children: CompiledNode[]): CompiledNode {
  return {
    test: (i) => {
      for (const c of children) if (!c.test(i)) return false;
      return true;
    },
    distance: (i) => {
      // Holding: the nearest child to flip decides. Failing: every failing child must flip.
      let holds = Infinity;
      let fails = 0;
      let failed = false;
      for (const c of children) {
        const d = c.distance(i);
        if (c.test(i)) holds = Math.min(holds, d);
        else {
          failed = true;
          fails = Math.max(fails, d);
        }
      }
      return failed ? fails : holds;
    },
  };
}

function orNode(children: CompiledNode[]): CompiledNode {
  return {
    test: (i) => {
      for (const c of children) if (c.test(i)) return true;
      return false;
    },
    distance: (i) => {
      let holds = 0;
      let fails = Infinity;
      let any = false;
      for (const c of children) {
        const d = c.distance(i);
        if (c.test(i)) {
          any = true;
          holds = Math.max(holds, d);
        } else fails = Math.min(fails, d);
      }
      return any ? holds : fails;
    },
  };
}

function compileCondition(condition: SplitCondition, path: string, ctx: Context): CompiledNode {
  switch (condition.kind) {
    case 'not': {
      const inner = compileNode(condition.condition, `${path}.condition`, ctx);
      return { test: (i) => !inner.test(i), distance: (i) => inner.distance(i) };
    }
    case 'attribute':
      return compileAttribute(condition, path, ctx);
    case 'percentile':
      return compilePercentile(condition, path, ctx);
    case 'images': {
      const members = new Uint8Array(ctx.columns.count);
      let unknown = 0;
      for (const id of condition.imageIds) {
        const i = ctx.columns.idToIdx.get(Number(id));
        if (i === undefined) unknown++;
        else members[i] = 1;
      }
      if (unknown)
        ctx.warnings.push(`${path}: ${unknown} of the listed image ids are not in dataset ${ctx.columns.datasetId}.`);
      return { test: (i) => members[i] === 1, distance: () => Infinity };
    }
    case 'tag': {
      const mask = ctx.columns.tags.get(condition.tag);
      if (!mask) {
        ctx.warnings.push(`${path}: no image has the tag "${condition.tag}".`);
        return never;
      }
      return { test: (i) => mask[i] === 1, distance: () => Infinity };
    }
  }
}

function compileAttribute(c: Extract<SplitCondition, { kind: 'attribute' }>, path: string, ctx: Context): CompiledNode {
  const column: AttributeColumnData | undefined = ctx.columns.attributes.get(c.attribute);
  if (!column) {
    ctx.issues.push({
      path: `${path}.attribute`,
      message: `dataset ${ctx.columns.datasetId} has no attribute "${c.attribute}"; it has ${[...ctx.columns.attributes.keys()].join(', ')}`,
    });
    return never;
  }
  const values = Array.isArray(c.value) ? c.value : [c.value];
  if (column.kind === 'categorical') {
    if (!['==', '!=', 'in'].includes(c.op) || c.abs) {
      ctx.issues.push({
        path: `${path}.op`,
        message: `"${c.attribute}" is categorical (${column.categories.slice(0, 5).join(', ')}…); compare it with ==, != or in`,
      });
      return never;
    }
    const wanted = new Set<number>();
    for (const v of values) {
      const code = column.categories.indexOf(String(v));
      if (code < 0) ctx.warnings.push(`${path}: no image has ${c.attribute} = "${v}".`);
      else wanted.add(code);
    }
    const codes = column.codes;
    const test =
      c.op === '!=' ? (i: number) => codes[i]! >= 0 && !wanted.has(codes[i]!) : (i: number) => wanted.has(codes[i]!);
    return { test, distance: () => Infinity };
  }
  if (values.some((v) => typeof v !== 'number')) {
    ctx.issues.push({ path: `${path}.value`, message: `"${c.attribute}" is numeric; compare it with a number` });
    return never;
  }
  if (column.missing > 0)
    ctx.warnings.push(`${column.missing} images have no ${c.attribute}; a comparison with a missing value is false.`);
  const raw = column.values;
  const scale = column.scale;
  const value = c.abs ? (i: number) => Math.abs(raw[i]!) : (i: number) => raw[i]!;
  const t = values[0] as number;
  const graded = (i: number) => {
    const v = value(i);
    return Number.isNaN(v) ? Infinity : Math.abs(v - t) / scale;
  };
  switch (c.op) {
    case '<':
      return { test: (i) => value(i) < t, distance: graded };
    case '<=':
      return { test: (i) => value(i) <= t, distance: graded };
    case '>':
      return { test: (i) => value(i) > t, distance: graded };
    case '>=':
      return { test: (i) => value(i) >= t, distance: graded };
    case '==':
      return { test: (i) => value(i) === t, distance: () => Infinity };
    case '!=':
      return {
        test: (i) => {
          const v = value(i);
          return !Number.isNaN(v) && v !== t;
        },
        distance: () => Infinity,
      };
    case 'in': {
      const set = new Set(values as number[]);
      return { test: (i) => set.has(value(i)), distance: () => Infinity };
    }
  }
}

function compilePercentile(
  c: Extract<SplitCondition, { kind: 'percentile' }>,
  path: string,
  ctx: Context,
): CompiledNode {
  const key = c.score ?? `run:${c.runId}`;
  const source = ctx.scores?.[key];
  if (!source) {
    const given = Object.keys(ctx.scores ?? {});
    ctx.issues.push({
      path,
      message: `the rule uses the per-image score "${key}" but ${given.length ? `only ${given.join(', ')} were given` : 'no scores were given'}; scores come from a model — pass them to evaluateSplit`,
    });
    return never;
  }
  const { idToIdx, count } = ctx.columns;
  const scores = new Float64Array(count).fill(NaN);
  const entries: Iterable<[number | string, number]> =
    source instanceof Map ? source.entries() : Object.entries(source);
  for (const [id, s] of entries) {
    const i = idToIdx.get(Number(id));
    if (i !== undefined && Number.isFinite(s)) scores[i] = s;
  }
  const present = Array.from(scores)
    .filter((s) => !Number.isNaN(s))
    .sort((a, b) => a - b);
  if (present.length === 0) {
    ctx.warnings.push(`${path}: none of the "${key}" scores belong to images of this dataset.`);
    return never;
  }
  if (present.length < count)
    ctx.warnings.push(`${count - present.length} images have no "${key}" score; they never match the percentile rule.`);
  const p = (c.below ?? c.above!) / 100;
  const threshold = quantile(present, p);
  let sum = 0,
    sumSq = 0;
  for (const s of present) {
    sum += s;
    sumSq += s * s;
  }
  const mean = sum / present.length;
  const scale = Math.sqrt(Math.max(0, sumSq / present.length - mean * mean)) || 1;
  const distance = (i: number) => {
    const s = scores[i]!;
    return Number.isNaN(s) ? Infinity : Math.abs(s - threshold) / scale;
  };
  return c.below !== undefined
    ? { test: (i) => scores[i]! < threshold, distance }
    : { test: (i) => scores[i]! > threshold, distance };
}

/** Linear-interpolated quantile of sorted values, p in [0, 1]. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const at = p * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}
