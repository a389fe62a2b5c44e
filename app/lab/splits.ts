import type { SplitScores } from '../data/compile-rule.js';
import { evaluateSplit, loadSplit as loadSplitRecord, saveSplit, type SplitSummary } from '../data/evaluate-split.js';
import { findSplit as findSplitRow, listSplits, type SplitRecord } from '../store/splits-repo.js';
import type { Lab } from './lab.js';

// Splits of a dataset into easy and hard images, from JSON rules (validated and evaluated by app/data).

export { SplitRuleError } from '../data/split-rule.js';
export type { SplitScores } from '../data/compile-rule.js';
export type { SplitSummary } from '../data/evaluate-split.js';
export type { SplitRecord } from '../store/splits-repo.js';

/** Counts a rule would give, without saving anything. */
export function previewSplit(lab: Lab, datasetId: number, rule: unknown, scores?: SplitScores): SplitSummary {
  return evaluateSplit(lab.db, datasetId, rule, scores);
}

/**
 * Saves a rule as a split. Without a name it takes `nameBase`, or `nameBase-2`, `-3`... when taken;
 * a name given that is taken is refused.
 */
export function createSplit(
  lab: Lab,
  datasetId: number,
  request: { rule: unknown; scores?: SplitScores; name?: string; nameBase?: string },
): SplitRecord<unknown, SplitSummary> {
  const name = request.name ?? freeSplitName(lab, datasetId, request.nameBase ?? 'split');
  return saveSplit(lab.db, datasetId, name, request.rule, request.scores);
}

/** A split of a dataset by id or name, with its members; throws naming the dataset when there is none. */
export function loadSplit(lab: Lab, datasetId: number, idOrName: string | number) {
  return loadSplitRecord(lab.db, datasetId, idOrName);
}

export function findSplit(lab: Lab, datasetId: number, idOrName: string | number): SplitRecord | undefined {
  return findSplitRow(lab.db, datasetId, idOrName);
}

export interface SplitListItem {
  id: number;
  datasetId: number;
  name: string;
  createdAt: string;
  easyImages: number;
  hardImages: number;
  usableIdentities: number;
}

/** Every split (of one dataset, or of all), oldest first, with its headline counts. */
export function listSplitSummaries(lab: Lab, datasetId?: number): SplitListItem[] {
  return listSplits<unknown, SplitSummary>(lab.db, datasetId).map((s) => ({
    id: s.id,
    datasetId: s.datasetId,
    name: s.name,
    createdAt: s.createdAt,
    easyImages: s.summary.easyImages,
    hardImages: s.summary.hardImages,
    usableIdentities: s.summary.usableIdentities,
  }));
}

function freeSplitName(lab: Lab, datasetId: number, base: string): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!findSplitRow(lab.db, datasetId, name)) return name;
  }
}
