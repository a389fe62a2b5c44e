import type { LabDatabase } from '../store/db.js';
import { getDataset } from '../store/datasets-repo.js';
import { iterateImages } from '../store/images-repo.js';
import { getPairList, loadPairs, type PairType } from '../store/pairs-repo.js';
import { csvField } from './csv-field.js';

// An evaluation's per-pair scores as CSV `path1,path2,label,type,score` (paths relative to the
// dataset root, as pair lists give them; label 1 genuine, 0 impostor), in pair-list order, which
// `ddl-lab metrics --scores` reads back by column name. Pairs without a type are written `untyped`,
// as the evaluation report groups them; a list with no types at all has no type column.

export interface PairScoresInput {
  db: LabDatabase;
  pairListId: number;
  /** Cosine score of each pair, in list order (EvaluateRunResult.scores). */
  scores: ArrayLike<number>;
  /** Pair type of each pair as the evaluation used it, or null when it had none (EvaluateRunResult.pairTypes). */
  types: ReadonlyArray<PairType | null> | null;
}

export function pairScoresCsv({ db, pairListId, scores, types }: PairScoresInput): string {
  const list = getPairList(db, pairListId);
  if (!list) throw new Error(`no pair list ${pairListId} in this lab.`);
  const pairs = loadPairs(db, pairListId);
  const n = pairs.same.length;
  if (scores.length !== n || (types !== null && types.length !== n))
    throw new Error(
      `pair list ${pairListId} has ${n} pairs but ${scores.length} scores${types ? ` and ${types.length} types` : ''} were given; give one per pair.`,
    );
  if (!getDataset(db, list.datasetId)) throw new Error(`pair list ${pairListId}'s dataset ${list.datasetId} is gone.`);
  const wanted = new Set([...pairs.image1Ids, ...pairs.image2Ids]);
  const pathOf = new Map<number, string>();
  for (const image of iterateImages(db, list.datasetId)) if (wanted.has(image.id)) pathOf.set(image.id, image.path);
  const path = (id: number) => {
    const found = pathOf.get(id);
    if (found === undefined) throw new Error(`pair list ${pairListId} names image ${id}, which is not in its dataset.`);
    return csvField(found);
  };
  const typed = types !== null && types.some((t) => t !== null);
  const lines = [typed ? 'path1,path2,label,type,score' : 'path1,path2,label,score'];
  for (let i = 0; i < n; i++) {
    const type = typed ? `${csvField(types[i] ?? 'untyped')},` : '';
    lines.push(
      `${path(pairs.image1Ids[i]!)},${path(pairs.image2Ids[i]!)},${pairs.same[i]},${type}${String(scores[i])}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
