import type { LabDatabase } from '../store/db.js';
import { requireDataset } from '../store/datasets-repo.js';
import { findSplit, insertSplit, splitMembers, type SplitRecord } from '../store/splits-repo.js';
import { sql } from '../store/statements.js';
import { compileSplit, type SplitScores } from './compile-rule.js';
import { loadDatasetColumns, type DatasetColumns } from './dataset-columns.js';
import { parseSplitDefinition, type SplitDefinition } from './split-rule.js';
import type { AttributeSplitCounts, SplitSummary as SplitCounts } from '../vocabulary/index.js';

// Evaluates a split rule over a dataset: which images are easy, hard or excluded, and the counts
// the Split page shows live (identities usable for DDL, per-attribute easy/hard counts, images
// nearest the boundary). Saving stores the rule, the summary and the membership.

export const EASY = 0;
export const HARD = 1;
export const EXCLUDED = -1;

export type { AttributeSplitCounts } from '../vocabulary/index.js';

export interface BoundaryExample {
  imageId: number;
  path: string;
  identity: string;
  /** Distance to the threshold that decided it, in standard deviations of that attribute / score. */
  margin: number;
}

/** The vocabulary's split summary (what the Split page shows), plus what the lab keeps with it. */
export interface SplitSummary extends SplitCounts {
  datasetId: number;
  boundary: { easy: BoundaryExample[]; hard: BoundaryExample[] };
  evaluationMs: number;
}

export interface SplitEvaluation {
  definition: SplitDefinition;
  summary: SplitSummary;
  /** Side of each image by idx: EASY, HARD or EXCLUDED. */
  sides: Int8Array;
  columns: DatasetColumns;
}

export interface EvaluateOptions {
  /** Images per side in `boundary`, default 8. */
  boundaryPerSide?: number;
  /** Bins per numeric attribute in `perAttribute`, default 10. */
  bins?: number;
}

/** Counts for a rule without saving it. `rule` is validated (canonical or shorthand JSON). */
export function evaluateSplit(
  db: LabDatabase,
  datasetId: number,
  rule: unknown,
  scores?: SplitScores,
  options?: EvaluateOptions,
): SplitSummary {
  return evaluateSplitSides(db, datasetId, rule, scores, options).summary;
}

export function evaluateSplitSides(
  db: LabDatabase,
  datasetId: number,
  rule: unknown,
  scores?: SplitScores,
  options: EvaluateOptions = {},
): SplitEvaluation {
  const started = performance.now();
  const definition = parseSplitDefinition(rule);
  const columns = loadDatasetColumns(db, datasetId);
  const compiled = compileSplit(definition, columns, scores);
  const { count, identity, identityCount } = columns;

  const sides = new Int8Array(count);
  const forced = new Uint8Array(count);
  const forcedByTags = { easy: 0, hard: 0, exclude: 0 };
  const tag = (name: string) => (compiled.manualTags ? columns.tags.get(name) : undefined);
  const tagExclude = tag('exclude');
  const tagHard = tag('hard');
  const tagEasy = tag('easy');
  for (let i = 0; i < count; i++) {
    if (tagExclude?.[i]) {
      sides[i] = EXCLUDED;
      forced[i] = 1;
      forcedByTags.exclude++;
      continue;
    }
    if (tagHard?.[i]) {
      sides[i] = HARD;
      forced[i] = 1;
      forcedByTags.hard++;
      continue;
    }
    if (tagEasy?.[i]) {
      sides[i] = EASY;
      forced[i] = 1;
      forcedByTags.easy++;
      continue;
    }
    sides[i] = compiled.hard.test(i) ? HARD : !compiled.easy || compiled.easy.test(i) ? EASY : EXCLUDED;
  }

  const easyPer = new Int32Array(identityCount);
  const hardPer = new Int32Array(identityCount);
  let easyImages = 0;
  let hardImages = 0;
  for (let i = 0; i < count; i++) {
    if (sides[i] === EASY) {
      easyImages++;
      easyPer[identity[i]!]! += 1;
    } else if (sides[i] === HARD) {
      hardImages++;
      hardPer[identity[i]!]! += 1;
    }
  }
  let identities = 0,
    withEasy = 0,
    withHard = 0,
    twoEasy = 0,
    twoHard = 0,
    usable = 0;
  for (let c = 0; c < identityCount; c++) {
    const e = easyPer[c]!,
      h = hardPer[c]!;
    if (e + h > 0) identities++;
    if (e > 0) withEasy++;
    if (h > 0) withHard++;
    if (e >= 2) twoEasy++;
    if (h >= 2) twoHard++;
    if (e >= 2 && h >= 1) usable++;
  }

  const warnings = [...compiled.warnings];
  if (hardImages === 0) warnings.push('The rule makes no image hard; loosen it.');
  if (easyImages === 0) warnings.push('The rule leaves no easy image; DDL needs easy images for its teacher.');
  if (usable < 16)
    warnings.push(
      `Only ${usable} identities are usable for DDL (at least 2 easy and 1 hard image); a DDL batch of b needs at least b of them.`,
    );

  const summary: SplitSummary = {
    datasetId,
    images: count,
    easyImages,
    hardImages,
    excludedImages: count - easyImages - hardImages,
    identities,
    identitiesWithEasy: withEasy,
    identitiesWithHard: withHard,
    identitiesWithTwoEasy: twoEasy,
    identitiesWithTwoHard: twoHard,
    usableIdentities: usable,
    forcedByTags,
    perAttribute: attributeCounts(columns, sides, options.bins ?? 10),
    boundary: boundaryExamples(db, columns, sides, forced, compiled.hard.distance, options.boundaryPerSide ?? 8),
    warnings: [...new Set(warnings)],
    evaluationMs: 0,
  };
  summary.evaluationMs = performance.now() - started;
  return { definition, summary, sides, columns };
}

function attributeCounts(columns: DatasetColumns, sides: Int8Array, bins: number): AttributeSplitCounts[] {
  const out: AttributeSplitCounts[] = [];
  for (const [name, column] of columns.attributes) {
    const missing = { easy: 0, hard: 0 };
    if (column.kind === 'numeric') {
      const { min, max, values } = column;
      const n = Number.isFinite(min) ? (max > min ? bins : 1) : 0;
      const width = n > 1 ? (max - min) / n : 1;
      const rows = Array.from({ length: n }, (_, b) => ({
        x0: min + b * width,
        x1: b === n - 1 ? max : min + (b + 1) * width,
        easy: 0,
        hard: 0,
      }));
      for (let i = 0; i < values.length; i++) {
        const side = sides[i];
        if (side === EXCLUDED) continue;
        const v = values[i]!;
        if (Number.isNaN(v)) {
          if (side === EASY) missing.easy++;
          else missing.hard++;
          continue;
        }
        const row = rows[Math.min(n - 1, Math.floor((v - min) / width))]!;
        if (side === EASY) row.easy++;
        else row.hard++;
      }
      out.push({ attribute: name, source: column.source, kind: 'numeric', bins: rows, missing });
    } else {
      const easy = new Int32Array(column.categories.length);
      const hard = new Int32Array(column.categories.length);
      for (let i = 0; i < column.codes.length; i++) {
        const side = sides[i];
        if (side === EXCLUDED) continue;
        const code = column.codes[i]!;
        if (code < 0) {
          if (side === EASY) missing.easy++;
          else missing.hard++;
          continue;
        }
        if (side === EASY) easy[code]! += 1;
        else hard[code]! += 1;
      }
      const categories = column.categories
        .map((value, c) => ({ value, easy: easy[c]!, hard: hard[c]! }))
        .sort((a, b) => b.easy + b.hard - (a.easy + a.hard))
        .slice(0, 30);
      out.push({ attribute: name, source: column.source, kind: 'categorical', categories, missing });
    }
  }
  return out;
}

function boundaryExamples(
  db: LabDatabase,
  columns: DatasetColumns,
  sides: Int8Array,
  forced: Uint8Array,
  distance: (i: number) => number,
  perSide: number,
): SplitSummary['boundary'] {
  const nearest = (side: number) => {
    const best: Array<{ i: number; d: number }> = [];
    for (let i = 0; i < sides.length; i++) {
      if (sides[i] !== side || forced[i]) continue;
      const d = distance(i);
      if (!Number.isFinite(d)) continue;
      if (best.length === perSide && d >= best[best.length - 1]!.d) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.d > d) at--;
      best.splice(at, 0, { i, d });
      if (best.length > perSide) best.pop();
    }
    return best.map(({ i, d }) => {
      const row = sql<{ path: string; name: string }>(
        db,
        `SELECT images.path, identities.name FROM images
        JOIN identities ON identities.dataset_id = images.dataset_id AND identities.idx = images.identity_idx WHERE images.id = ?`,
      ).get(columns.ids[i]);
      return { imageId: columns.ids[i]!, path: row?.path ?? '', identity: row?.name ?? '', margin: d };
    });
  };
  return { easy: nearest(EASY), hard: nearest(HARD) };
}

/** Evaluates and stores a split (rule, summary, membership). Names are unique per dataset. */
export function saveSplit(
  db: LabDatabase,
  datasetId: number,
  name: string,
  rule: unknown,
  scores?: SplitScores,
): SplitRecord<SplitDefinition, SplitSummary> {
  const { definition, summary, sides, columns } = evaluateSplitSides(db, datasetId, rule, scores);
  const easy: number[] = [];
  const hard: number[] = [];
  for (let i = 0; i < sides.length; i++) {
    if (sides[i] === EASY) easy.push(columns.ids[i]!);
    else if (sides[i] === HARD) hard.push(columns.ids[i]!);
  }
  const id = insertSplit(
    db,
    { datasetId, name, rule: definition, summary, datasetRevision: requireDataset(db, datasetId).revision },
    { easy, hard },
  );
  return findSplit<SplitDefinition, SplitSummary>(db, datasetId, id)!;
}

/** A saved split by id or name, with its membership as image ids. */
export function loadSplit(
  db: LabDatabase,
  datasetId: number,
  idOrName: string | number,
): SplitRecord<SplitDefinition, SplitSummary> & { easy: number[]; hard: number[] } {
  const split = findSplit<SplitDefinition, SplitSummary>(db, datasetId, idOrName);
  if (!split)
    throw new Error(
      `Dataset ${datasetId} has no split "${idOrName}"; "ddl-lab split list ${datasetId}" shows its splits.`,
    );
  return { ...split, ...splitMembers(db, split.id) };
}
