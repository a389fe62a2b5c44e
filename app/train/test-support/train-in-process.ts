import type { LabDatabase } from '../../store/db.js';
import { finishRun, insertRun, markRunStarted } from '../../store/runs-repository.js';
import { checkRunRequest, type RunRequest } from '../run-checks.js';
import { train, type StopRequest, type TrainOutcome } from '../trainer.js';

// A run created and trained in the test's own process, the way the run worker does it (take the
// run, train, write the final status), stopping where `stopAfter` says: a real run with real
// checkpoints at known steps, for tests that then work on it with real run processes.
// The caller has initialised the tfjs backend.

export async function trainInProcess(
  db: LabDatabase,
  dataDir: string,
  request: RunRequest,
  stopAfter: (step: number) => StopRequest | undefined = () => undefined,
): Promise<{ runId: number; outcome: TrainOutcome }> {
  const checked = checkRunRequest(db, request);
  const run = insertRun(db, {
    datasetId: checked.datasetId,
    splitId: checked.splitId,
    stage: checked.config.stage,
    parentRunId: checked.parent?.id ?? null,
    config: checked.config,
    seed: checked.config.seed,
    totalSteps: checked.config.steps,
  });
  markRunStarted(db, run.id, { pid: process.pid, backend: 'test' });
  let step = 0;
  const outcome = await train({
    db,
    dataDir,
    run,
    config: checked.config,
    callbacks: {
      stopRequested: () => stopAfter(step),
      onStep: (s) => {
        step = s.step;
      },
    },
  });
  finishRun(db, run.id, outcome.status, outcome.error, ['running']);
  return { runId: run.id, outcome };
}
