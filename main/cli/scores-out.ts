import { pairScoresCsv, writeFileWhole } from '../../app/export/index.js';
import type { EvaluateRunResult } from '../../app/eval/run/index.js';
import type { LabDatabase } from '../../app/lab/lab.js';

// `ddl-lab eval … --scores-out FILE`: the evaluation's per-pair scores as CSV. Null when written,
// else what went wrong (the evaluation itself is stored either way).
export function writeScoresFile(
  db: LabDatabase,
  pairListId: number,
  result: Pick<EvaluateRunResult, 'scores' | 'pairTypes' | 'evaluation'>,
  file: string,
): string | null {
  try {
    writeFileWhole(file, pairScoresCsv({ db, pairListId, scores: result.scores, types: result.pairTypes }));
    return null;
  } catch (error) {
    return `evaluation ${result.evaluation.id} is stored, but writing its scores to ${file} failed: ${(error as Error).message}`;
  }
}
