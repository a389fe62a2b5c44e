import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../data/import-dataset.js';
import { readPixelCacheManifest } from '../data/pixel-cache.js';
import { initBackend } from '../engine/backend.js';
import { metricSeries } from '../store/runs-series.js';
import { createSynthFixture, type SynthFixture } from './test-support/synth-fixture.js';
import { tinyStage1 } from './test-support/tiny-stage1.js';
import { trainInProcess } from './test-support/train-in-process.js';

// A lossless (png) pixel cache must train exactly like the raw one: the same SynthFaces folder
// imported twice into one lab, raw and png, and trained with the same seed gives the same loss at
// every step, in stage 1 (classification batches) and stage 2 (DDL's four branches).

let fixture: SynthFixture;
let png: { datasetId: number; splitId: number };
beforeAll(async () => {
  await initBackend();
  fixture = await createSynthFixture({ identities: 8, perIdentity: 6 });
  const imported = await importDataset({
    db: fixture.db,
    root: join(fixture.dataDir, 'synth'),
    dataDir: fixture.dataDir,
    name: 'synth-png',
    inputSize: 32,
    cacheFormat: 'png',
  });
  png = { datasetId: imported.id, splitId: imported.split!.id };
});
afterAll(() => fixture?.cleanup());

const losses = (runId: number) => metricSeries(fixture.db, runId, { names: ['total'] }).total!.map((p) => p.value);

describe('training on a png cache', () => {
  it('gives the same losses as the raw cache, step for step, in both stages', async () => {
    expect(readPixelCacheManifest(fixture.dataDir, png.datasetId, 32)!.encoding).toBe('png');
    expect(readPixelCacheManifest(fixture.dataDir, fixture.datasetId, 32)!.encoding).toBeUndefined();
    const stage1 = { ...tinyStage1(4, 4), batchSize: 8, flip: true };
    const raw1 = await trainInProcess(fixture.db, fixture.dataDir, {
      datasetId: fixture.datasetId,
      splitId: fixture.splitId,
      config: stage1,
    });
    const png1 = await trainInProcess(fixture.db, fixture.dataDir, { ...png, config: stage1 });
    expect([raw1.outcome.status, png1.outcome.status]).toEqual(['completed', 'completed']);
    expect(losses(raw1.runId)).toHaveLength(4);
    expect(losses(png1.runId)).toEqual(losses(raw1.runId));

    const stage2 = (parentRunId: number) => ({
      stage: 2,
      parentRunId,
      objective: 'ddl',
      batchSize: 2,
      steps: 3,
      lr: 0.01,
      seed: 5,
      flip: true,
      checkpointEvery: 3,
    });
    const raw2 = await trainInProcess(fixture.db, fixture.dataDir, {
      datasetId: fixture.datasetId,
      splitId: fixture.splitId,
      config: stage2(raw1.runId),
    });
    const png2 = await trainInProcess(fixture.db, fixture.dataDir, { ...png, config: stage2(png1.runId) });
    expect([raw2.outcome.status, png2.outcome.status]).toEqual(['completed', 'completed']);
    expect(losses(raw2.runId)).toHaveLength(3);
    expect(losses(png2.runId)).toEqual(losses(raw2.runId));
  });
});
