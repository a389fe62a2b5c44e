import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../engine/backend.js';
import { cosineToIdentityMean } from '../../eval/index.js';
import { evaluationForkLauncher } from '../../eval/run/index.js';
import type { RunProcessLauncher } from '../../process/process-launcher.js';
import { embedImageFolder } from '../../lab/models.js';
import { listRunRecords } from '../../store/runs-repository.js';
import { createSynthFixture, type SynthFixture } from '../../train/test-support/synth-fixture.js';
import { createLabService } from './lab-service.js';
import { serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// The paper's protocol needs "hard" before any training: per-image hardness from the untouched
// pretrained MobileFaceNet (its pretrained run: no steps, a step-0 checkpoint) feeds the
// model-based split rule ({"kind": "percentile", "runId": ...}) on a 112 px SynthFaces set.

let fixture: SynthFixture;
let service: LabService;
const { call } = serviceCalls(() => service);

// Every process the service starts for evaluation-like work (the pretrained run is made in one).
const launchedArgs: string[][] = [];
const recordingLauncher: RunProcessLauncher = {
  launch(request) {
    launchedArgs.push(request.args);
    return evaluationForkLauncher.launch(request);
  },
};

beforeAll(async () => {
  await initBackend();
  fixture = await createSynthFixture({ identities: 8, perIdentity: 5, size: 112, seed: 31 });
  service = createLabService({ dataDir: fixture.dataDir, shell: 'test', evaluationLauncher: recordingLauncher });
}, 120_000);
afterAll(async () => {
  await service?.close();
  fixture?.cleanup();
});

describe('hardness from a pretrained model, no training', () => {
  it('the hardest quarter under the pretrained run is the quarter the model finds least like its identity', async () => {
    const { models } = await call('models.list', {});
    expect(models).toEqual([
      expect.objectContaining({ name: 'mobilefacenet', label: 'MobileFaceNet (pretrained)', inputSize: 112 }),
    ]);
    // What the Train page calls when "MobileFaceNet (pretrained)" is picked as the parent: made once,
    // in an evaluation process (loading the model and embedding the dataset take seconds to
    // minutes), while this process stays free: a 10 ms timer here is never late by a second.
    let lateness = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      lateness = Math.max(lateness, now - last - 10);
      last = now;
    }, 10);
    // Asked twice at once (a double click): one process, one run.
    const [run, twin] = await Promise.all(
      [1, 2].map(() => call('models.pretrainedRun', { model: 'mobilefacenet', datasetId: String(fixture.datasetId) })),
    );
    clearInterval(ticker);
    expect(twin!.id).toBe(run!.id);
    expect(lateness).toBeLessThan(1000); // in this process: 1.9 s here
    expect(launchedArgs).toEqual([
      [
        '--data-dir',
        fixture.dataDir,
        '--pretrained',
        JSON.stringify({ model: 'mobilefacenet', datasetId: fixture.datasetId, classes: 8 }),
      ],
    ]);
    expect(run).toMatchObject({ stage: 1, status: 'completed', step: 0, totalSteps: 0, splitId: '0' });
    expect((await call('runs.get', { runId: run.id })).codeVersion).toEqual(expect.any(String));
    const again = await call('models.pretrainedRun', { model: 'mobilefacenet', datasetId: String(fixture.datasetId) });
    expect(again.id).toBe(run.id);
    expect(launchedArgs).toHaveLength(1); // found, not made again
    // Nothing was trained: the only run is the pretrained one, with no steps.
    expect(listRunRecords(fixture.db, {}).map((r) => [String(r.id), r.totalSteps, r.status])).toEqual([
      [run.id, 0, 'completed'],
    ]);

    // A file a killed session left in the hand-over folder goes; one of another call in flight stays.
    const handOver = join(fixture.dataDir, 'tmp', 'embeddings');
    mkdirSync(handOver, { recursive: true });
    writeFileSync(join(handOver, 'left.bin'), 'x');
    writeFileSync(join(handOver, 'in-flight.bin'), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(join(handOver, 'left.bin'), twoDaysAgo, twoDaysAgo);
    const split = await call('splits.save', {
      datasetId: String(fixture.datasetId),
      name: 'hardest quarter under MobileFaceNet',
      definition: { hard: { combine: 'or', conditions: [{ kind: 'percentile', runId: run.id, below: 25 }] } },
    });
    // The hardness came from embeddings made in an evaluation process too.
    expect(launchedArgs.map((args) => args[2])).toEqual(['--pretrained', '--embed']);
    expect(readdirSync(handOver)).toEqual(['in-flight.bin']);
    const members = fixture.db
      .prepare(
        'SELECT i.path AS path, m.side AS side FROM split_members m JOIN images i ON i.id = m.image_id WHERE m.split_id = ?',
      )
      .all(Number(split.id)) as { path: string; side: number }[];
    const hard = new Set(members.filter((m) => m.side === 1).map((m) => m.path));
    expect(members).toHaveLength(40);
    expect(hard.size).toBeGreaterThanOrEqual(8);
    expect(hard.size).toBeLessThanOrEqual(12);

    // The same hardness by another path: the zoo model on the image files, identity by folder.
    const root = join(fixture.dataDir, 'synth');
    const paths: string[] = [];
    const labels: string[] = [];
    const rows: Float32Array[] = [];
    for (const identity of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory())) {
      for (const image of await embedImageFolder('mobilefacenet', join(root, identity.name))) {
        paths.push(`${identity.name}/${image.path.split('/').pop()}`);
        labels.push(identity.name);
        rows.push(Float32Array.from(image.embedding));
      }
    }
    const cosine = cosineToIdentityMean(rows, labels);
    const hardestFirst = paths.map((p, i) => [p, cosine[i]!] as const).sort((a, b) => a[1] - b[1]);
    const expected = new Set(hardestFirst.slice(0, hard.size).map(([p]) => p));
    // Equal sets (one swap allowed where two images' hardness ties within float noise).
    const agree = [...hard].filter((p) => expected.has(p)).length;
    expect(agree, `hard ${[...hard].join(' ')} vs ${[...expected].join(' ')}`).toBeGreaterThanOrEqual(hard.size - 1);
  }, 120_000);

  it('the Train page\'s "Centre a pretrained model" makes the centred pretrained run beside the raw one', async () => {
    const datasetId = String(fixture.datasetId);
    const raw = await call('models.pretrainedRun', { model: 'mobilefacenet', datasetId });
    const centred = await call('models.pretrainedRun', { model: 'mobilefacenet', datasetId, centre: true });
    expect(centred.id).not.toBe(raw.id);
    expect(centred).toMatchObject({ name: 'mobilefacenet (pretrained, centred)', stage: 1, step: 0, totalSteps: 0 });
    expect((await call('models.pretrainedRun', { model: 'mobilefacenet', datasetId, centre: true })).id).toBe(
      centred.id,
    );
    expect((await call('models.pretrainedRun', { model: 'mobilefacenet', datasetId, centre: false })).id).toBe(raw.id);
    const stored = listRunRecords(fixture.db, {}).find((r) => String(r.id) === centred.id);
    expect(stored?.config).toMatchObject({ pretrained: 'mobilefacenet', centre: true });
  }, 120_000);
});
