import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabParams } from '../contract/index.js';
import { createTrainedFixture, type TrainedFixture } from '../../eval/run/test-support/trained-run.js';
import { imageHardness } from '../../store/evaluations-hardness.js';
import { createLabService } from './lab-service.js';
import { jobFinished, serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// evaluations.* over a real data directory with a real (tiny) trained run: evaluations are stored,
// survive closing the service and opening a new one on the same directory, and feed the
// model-based split rule their per-image hardness.

let fixture: TrainedFixture;
let service: LabService;

const { call, refused } = serviceCalls(() => service);

const finished = (jobId: string) => jobFinished(service, jobId);

async function evaluate(params: Partial<LabParams<'evaluations.run'>> = {}): Promise<string> {
  const { jobId } = await call('evaluations.run', {
    runId: String(fixture.runId),
    pairListId: String(fixture.pairListId),
    ...params,
  });
  const job = await finished(jobId);
  expect(job.status, job.error ?? '').toBe('completed');
  return job.result!.evaluationId!;
}

beforeAll(async () => {
  fixture = await createTrainedFixture({ identities: 16, perIdentity: 6, steps: 40 });
  service = createLabService({ dataDir: fixture.dataDir, shell: 'test' });
}, 120_000);
afterAll(async () => {
  await service?.close();
  fixture?.cleanup();
});

describe('evaluations in the service', () => {
  let plainId: string;
  let flipId: string;

  it('evaluates with and without the flip-test and serves details, failures and the comparison', async () => {
    plainId = await evaluate();
    flipId = await evaluate({ flipTest: true });
    const plain = await call('evaluations.get', { evaluationId: plainId });
    const flip = await call('evaluations.get', { evaluationId: flipId });
    expect(plain).toMatchObject({
      runId: String(fixture.runId),
      status: 'completed',
      flipTest: false,
      checkpointStep: 40,
    });
    expect(flip.flipTest).toBe(true);
    expect(Object.keys(plain.byType).sort()).toEqual(['easy-easy', 'easy-hard', 'hard-hard']);
    expect(plain.identification?.gallery).toBe(16);
    expect(flip.overall.meanGenuine).not.toBe(plain.overall.meanGenuine);

    const failures = await call('evaluations.failures', { evaluationId: plainId, limit: 1000 });
    expect(failures.total).toBeGreaterThan(0);
    const worst = failures.items.map((f) =>
      f.kind === 'false-reject' ? f.threshold - f.score : f.score - f.threshold,
    );
    expect(worst).toEqual([...worst].sort((x, y) => y - x));
    expect(failures.items[0]!.a).toMatchObject({
      datasetId: String(fixture.datasetId),
      attributes: { yaw: expect.any(Number) },
    });
    const profile = await call('evaluations.failures', {
      evaluationId: plainId,
      limit: 1000,
      filters: [{ attribute: 'yaw', op: '>=', value: 45, abs: true }],
    });
    expect(profile.items.every((f) => [f.a, f.b].some((image) => Math.abs(image.attributes.yaw as number) >= 45))).toBe(
      true,
    );
    const rejects = await call('evaluations.failures', {
      evaluationId: plainId,
      kind: 'false-reject',
      pairType: 'easy-hard',
      limit: 3,
    });
    expect(rejects.items.every((f) => f.kind === 'false-reject' && f.pairType === 'easy-hard')).toBe(true);
    expect(
      (
        await refused('evaluations.failures', {
          evaluationId: plainId,
          filters: [{ attribute: 'nose', op: '>', value: 1 }],
        })
      ).field,
    ).toBe('filters.0.attribute');

    const compared = await call('evaluations.compare', { a: plainId, b: flipId });
    expect(compared.rows.find((r) => r.metric === 'accuracy' && r.pairType === 'overall')!.a).toBe(plain.accuracy);
    expect((await call('runs.get', { runId: String(fixture.runId) })).evaluationIds).toEqual([flipId, plainId]);
  });

  it('refuses an unknown run, checkpoint or pair list before starting a job', async () => {
    expect(await refused('evaluations.run', { runId: '999', pairListId: String(fixture.pairListId) })).toMatchObject({
      code: 'not_found',
      field: 'runId',
    });
    expect(await refused('evaluations.run', { runId: String(fixture.runId), pairListId: '999' })).toMatchObject({
      code: 'not_found',
      field: 'pairListId',
    });
    expect(
      await refused('evaluations.run', {
        runId: String(fixture.runId),
        pairListId: String(fixture.pairListId),
        checkpointStep: 3,
      }),
    ).toMatchObject({ code: 'not_found', field: 'checkpointStep' });
    expect((await refused('evaluations.get', { evaluationId: '999' })).code).toBe('not_found');
  });

  it('a cancelled evaluation stores nothing', async () => {
    const { jobId } = await call('evaluations.run', {
      runId: String(fixture.runId),
      pairListId: String(fixture.pairListId),
      flipTest: true,
    });
    const done = finished(jobId);
    await call('jobs.cancel', { jobId });
    expect((await done).status).toBe('cancelled');
    expect((await call('evaluations.list', {})).evaluations.map((e) => e.id)).toEqual([flipId, plainId]);
  });

  it('keeps the evaluations when the service is closed and a new one opens the same data directory', async () => {
    const before = await call('evaluations.get', { evaluationId: plainId });
    const failuresBefore = await call('evaluations.failures', { evaluationId: plainId, offset: 1, limit: 5 });
    await service.close();
    service = createLabService({ dataDir: fixture.dataDir, shell: 'test' });
    expect((await call('evaluations.list', {})).evaluations.map((e) => e.id)).toEqual([flipId, plainId]);
    expect((await call('evaluations.list', { runId: String(fixture.runId) })).evaluations).toHaveLength(2);
    expect(await call('evaluations.get', { evaluationId: plainId })).toEqual(before);
    expect(await call('evaluations.failures', { evaluationId: plainId, offset: 1, limit: 5 })).toEqual(failuresBefore);
  });

  it('the model-based split rule reads the stored per-image hardness', async () => {
    // Make the stored hardness say the ten easiest images are the hardest: a rule computed from
    // the model afresh would pick other images.
    const stored = imageHardness(fixture.db, Number(plainId));
    const easiest = [...stored.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, 10)
      .map(([id]) => id);
    const update = fixture.db.prepare(
      'UPDATE image_hardness SET hardness = ? WHERE evaluation_id = ? AND image_id = ?',
    );
    easiest.forEach((imageId, k) => update.run(-0.9 + k / 100, Number(plainId), imageId));
    const definition = {
      hard: {
        combine: 'or' as const,
        conditions: [{ kind: 'percentile' as const, runId: String(fixture.runId), below: 10 }],
      },
    };
    const split = await call('splits.save', {
      datasetId: String(fixture.datasetId),
      definition,
      name: 'hardest tenth under the run',
    });
    const hard = (
      fixture.db
        .prepare('SELECT image_id AS id FROM split_members WHERE split_id = ? AND side = 1')
        .all(Number(split.id)) as { id: number }[]
    ).map((r) => r.id);
    expect(hard.length).toBeGreaterThan(5);
    expect(easiest).toEqual(expect.arrayContaining(hard));
  });
});
