import type { SimilarityHistograms } from '../contract/index.js';
import type { ImageEmbeddings } from '../../eval/run/index.js';

// The four similarity distributions a split gives under a model, defined as a DDL batch draws them
// (docs/architecture.md#ddl-in-one-page) but over a sample of the whole split: teacher positives = pairs of two easy images
// of one identity; student positives = (easy anchor, hard image) pairs of one identity; teacher /
// student negatives = each easy / hard image's highest cosine to an image of another identity on
// the same side. Histograms are normalised to sum 1 over [-1, 1].

const bins = 50;
const pairsPerIdentity = 20;

export interface SplitSides {
  /** Image ids on each side. */
  easy: readonly number[];
  hard: readonly number[];
}

function evenSample(ids: readonly number[], max: number): number[] {
  if (ids.length <= max) return [...ids];
  const step = ids.length / max;
  return Array.from({ length: max }, (_, k) => ids[Math.floor(k * step)]!);
}

export function splitDistributions(
  embedded: ImageEmbeddings,
  sides: SplitSides,
  maxImages: number,
): SimilarityHistograms {
  const { embeddings, dim, labels, rowOf } = embedded;
  const share = Math.max(2, Math.floor(maxImages / 2));
  const rowsOf = (ids: readonly number[]) =>
    evenSample(ids, share)
      .map((id) => rowOf.get(id))
      .filter((r): r is number => r !== undefined);
  const easy = rowsOf(sides.easy);
  const hard = rowsOf(sides.hard);
  const dot = (a: number, b: number) => {
    let sum = 0;
    for (let k = 0; k < dim; k++) sum += embeddings[a * dim + k]! * embeddings[b * dim + k]!;
    return sum;
  };
  const byIdentity = (rows: number[]) => {
    const groups = new Map<number, number[]>();
    for (const r of rows) {
      const list = groups.get(labels[r]!) ?? [];
      list.push(r);
      groups.set(labels[r]!, list);
    }
    return groups;
  };
  const easyGroups = byIdentity(easy);
  const hardGroups = byIdentity(hard);

  const teacherPositive: number[] = [];
  for (const rows of easyGroups.values()) {
    let taken = 0;
    for (let i = 0; i < rows.length && taken < pairsPerIdentity; i++) {
      for (let j = i + 1; j < rows.length && taken < pairsPerIdentity; j++, taken++)
        teacherPositive.push(dot(rows[i]!, rows[j]!));
    }
  }
  const studentPositive: number[] = [];
  for (const [identity, hardRows] of hardGroups) {
    const anchors = easyGroups.get(identity) ?? [];
    let taken = 0;
    for (const h of hardRows) for (const e of anchors) if (taken++ < pairsPerIdentity) studentPositive.push(dot(e, h));
  }
  const hardestNegatives = (rows: number[]) =>
    rows
      .map((r) => {
        let best = -Infinity;
        for (const other of rows) if (labels[other] !== labels[r]) best = Math.max(best, dot(r, other));
        return best;
      })
      .filter(Number.isFinite);
  const teacherNegative = hardestNegatives(easy);
  const studentNegative = hardestNegatives(hard);

  const histogram = (values: number[]) => {
    const counts = new Array<number>(bins).fill(0);
    for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(((v + 1) / 2) * bins)))]! += 1;
    return counts.map((c) => (values.length ? c / values.length : 0));
  };
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
  const series = { teacherPositive, teacherNegative, studentPositive, studentNegative };
  const h = {
    teacherPositive: histogram(teacherPositive),
    teacherNegative: histogram(teacherNegative),
    studentPositive: histogram(studentPositive),
    studentNegative: histogram(studentNegative),
  };
  return {
    rows: Array.from({ length: bins }, (_, b) => ({
      x: -1 + ((b + 0.5) * 2) / bins,
      teacherPositive: h.teacherPositive[b]!,
      teacherNegative: h.teacherNegative[b]!,
      studentPositive: h.studentPositive[b]!,
      studentNegative: h.studentNegative[b]!,
    })),
    expectations: {
      teacherPositive: mean(series.teacherPositive),
      teacherNegative: mean(series.teacherNegative),
      studentPositive: mean(series.studentPositive),
      studentNegative: mean(series.studentNegative),
    },
    counts: {
      teacherPositive: teacherPositive.length,
      teacherNegative: teacherNegative.length,
      studentPositive: studentPositive.length,
      studentNegative: studentNegative.length,
    },
  };
}
