import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LabDatabase } from '../../store/db.js';
import { getPairList, type PairListRecord } from '../../store/pairs-repo.js';
import {
  checkpointFolder,
  latestCheckpoint,
  listCheckpoints,
  type CheckpointRecord,
} from '../../store/runs-checkpoints.js';
import { getRunRecord, type RunRecord } from '../../store/runs-repository.js';

// What an evaluation needs before any work starts: the run, one of its checkpoints (the latest by
// default) and the pair list, each checked with an error that says what to do.

export type EvaluationRequestProblem =
  'unknown-run' | 'no-checkpoint' | 'unknown-checkpoint' | 'missing-checkpoint' | 'unknown-pair-list' | 'unknown-split';

export class EvaluationRequestError extends Error {
  constructor(
    message: string,
    readonly problem: EvaluationRequestProblem,
    readonly field: 'runId' | 'pairListId' | 'checkpointStep' | 'splitId',
  ) {
    super(message);
    this.name = 'EvaluationRequestError';
  }
}

export interface EvaluationTarget {
  run: RunRecord;
  checkpoint: CheckpointRecord;
  /** The checkpoint's saved backbone folder (loadBackbone()-able). */
  backboneDir: string;
  pairList: PairListRecord;
}

export function resolveEvaluationTarget(
  db: LabDatabase,
  request: { dataDir: string; runId: number; pairListId: number; checkpointStep?: number },
): EvaluationTarget {
  const run = getRunRecord(db, request.runId);
  if (!run)
    throw new EvaluationRequestError(
      `there is no run ${request.runId}; "ddl-lab runs list" shows the runs there are.`,
      'unknown-run',
      'runId',
    );
  let checkpoint: CheckpointRecord | undefined;
  if (request.checkpointStep === undefined) {
    checkpoint = latestCheckpoint(db, run.id);
    if (!checkpoint) {
      throw new EvaluationRequestError(
        `run ${run.id} has no checkpoint yet (status ${run.status}, step ${run.lastStep}); evaluate it once it has saved one (every checkpointEvery steps, and at the end).`,
        'no-checkpoint',
        'runId',
      );
    }
  } else {
    const all = listCheckpoints(db, run.id);
    checkpoint = all.find((c) => c.step === request.checkpointStep);
    if (!checkpoint) {
      const steps = all.map((c) => c.step).join(', ');
      throw new EvaluationRequestError(
        `run ${run.id} has no checkpoint at step ${request.checkpointStep}; ${steps ? `it has steps ${steps}` : 'it has no checkpoint yet'}.`,
        all.length === 0 ? 'no-checkpoint' : 'unknown-checkpoint',
        'checkpointStep',
      );
    }
  }
  const folder = checkpointFolder(request.dataDir, checkpoint);
  const backboneDir = join(folder, 'backbone');
  if (!existsSync(join(backboneDir, 'model.json'))) {
    throw new EvaluationRequestError(
      `the step-${checkpoint.step} checkpoint of run ${run.id} is missing from ${folder} (deleted?); evaluate another checkpoint.`,
      'missing-checkpoint',
      'checkpointStep',
    );
  }
  const pairList = getPairList(db, request.pairListId);
  if (!pairList)
    throw new EvaluationRequestError(
      `there is no pair list ${request.pairListId}; "ddl-lab dataset show DATASET" lists a dataset's pair lists.`,
      'unknown-pair-list',
      'pairListId',
    );
  return { run, checkpoint, backboneDir, pairList };
}
