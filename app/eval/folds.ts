// Deterministic fold assignment for the k-fold accuracy protocol (see FoldAssignment for the rules).
import { Random } from '../util/random.js';
import type { FoldAssignment } from './report-types.js';

export interface FoldPlan {
  folds: number;
  assignment: FoldAssignment;
  seed: number;
}

/** Fold (0 … folds-1) of each pair. Sizes differ by at most one. */
export function assignFolds(labels: Uint8Array, typeCodes: Uint16Array | null, plan: FoldPlan): Uint8Array {
  const n = labels.length;
  const { folds } = plan;
  if (!Number.isInteger(folds) || folds < 2 || folds > 255)
    throw new Error(`folds is ${folds}; use a whole number from 2 to 255.`);
  const fold = new Uint8Array(n);
  if (plan.assignment === 'contiguous') {
    // sklearn KFold(shuffle=False): the first n % folds folds hold one pair more.
    const base = Math.floor(n / folds);
    const larger = n % folds;
    let i = 0;
    for (let f = 0; f < folds; f++) {
      const size = base + (f < larger ? 1 : 0);
      fold.fill(f, i, i + size);
      i += size;
    }
    return fold;
  }
  // Stratified: group pairs by (type, label), shuffle each group, deal round-robin continuing
  // where the previous group stopped, so every fold gets the same mix and sizes differ by ≤ 1.
  const groupOf = (i: number) => (typeCodes ? typeCodes[i]! * 2 : 0) + labels[i]!;
  const groupCount = typeCodes ? (maxCode(typeCodes) + 1) * 2 : 2;
  const sizes = new Uint32Array(groupCount);
  for (let i = 0; i < n; i++) sizes[groupOf(i)]!++;
  const starts = new Uint32Array(groupCount);
  for (let g = 1; g < groupCount; g++) starts[g] = starts[g - 1]! + sizes[g - 1]!;
  const members = new Uint32Array(n);
  const fill = starts.slice();
  for (let i = 0; i < n; i++) members[fill[groupOf(i)]!++] = i;
  const random = new Random(plan.seed);
  let next = 0;
  for (let g = 0; g < groupCount; g++) {
    const group = members.subarray(starts[g]!, starts[g]! + sizes[g]!);
    for (let i = group.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      const kept = group[i]!;
      group[i] = group[j]!;
      group[j] = kept;
    }
    for (let k = 0; k < group.length; k++) {
      fold[group[k]!] = next;
      next = next + 1 === folds ? 0 : next + 1;
    }
  }
  return fold;
}

function maxCode(codes: Uint16Array): number {
  let max = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i]! > max) max = codes[i]!;
  return max;
}
