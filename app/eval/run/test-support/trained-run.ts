import { initBackend } from '../../../engine/backend.js';
import { finishRun, insertRun, markRunStarted } from '../../../store/runs-repository.js';
import { checkRunRequest } from '../../../train/run-checks.js';
import { createSynthFixture, type SynthFixture } from '../../../train/test-support/synth-fixture.js';
import { train } from '../../../train/trainer.js';

// A small SynthFaces `pose` set with one short stage-1 run trained in this process (what the
// trainer test does): a real checkpoint to evaluate in seconds.

export const tinyBackbone = {
  name: 'ir-lite',
  inputSize: 32,
  embeddingSize: 32,
  widths: [8, 8, 16, 16],
  depths: [1, 1, 1, 1],
};

export interface TrainedFixture extends SynthFixture {
  runId: number;
  /** The fixture's SynthFaces pair list (typed easy-easy / easy-hard / hard-hard). */
  pairListId: number;
}

export async function trainTinyRun(
  fixture: SynthFixture,
  options: { steps?: number; seed?: number } = {},
): Promise<number> {
  const { db, dataDir, datasetId, splitId } = fixture;
  const steps = options.steps ?? 40;
  const checked = checkRunRequest(db, {
    datasetId,
    splitId,
    config: {
      stage: 1,
      backbone: tinyBackbone,
      head: { type: 'cosface', s: 16, m: 0.2 },
      batchSize: 32,
      steps,
      lr: 0.1,
      schedule: { kind: 'constant', warmupSteps: 5 },
      seed: options.seed ?? 3,
      checkpointEvery: steps,
    },
  });
  const run = insertRun(db, {
    datasetId,
    splitId,
    stage: 1,
    config: checked.config,
    seed: checked.config.seed,
    totalSteps: checked.config.steps,
  });
  markRunStarted(db, run.id, { pid: process.pid, backend: 'test' });
  const outcome = await train({
    db,
    dataDir,
    run,
    config: checked.config,
    callbacks: { stopRequested: () => undefined },
  });
  finishRun(db, run.id, outcome.status, outcome.error, ['running']);
  if (outcome.status !== 'completed') throw new Error(`the tiny test run ended ${outcome.status}: ${outcome.error}`);
  return run.id;
}

export async function createTrainedFixture(
  options: { identities?: number; perIdentity?: number; steps?: number } = {},
): Promise<TrainedFixture> {
  await initBackend();
  const fixture = await createSynthFixture({
    identities: options.identities ?? 16,
    perIdentity: options.perIdentity ?? 6,
  });
  try {
    const runId = await trainTinyRun(fixture, { steps: options.steps });
    const list = fixture.db
      .prepare('SELECT id FROM pair_lists WHERE dataset_id = ? ORDER BY id LIMIT 1')
      .get(fixture.datasetId) as { id: number } | undefined;
    if (!list) throw new Error('the SynthFaces fixture has no pair list');
    return { ...fixture, runId, pairListId: list.id };
  } catch (error) {
    fixture.cleanup();
    throw error;
  }
}
