import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../data/import-dataset.js';
import { generateSynthFaces } from '../../data/synth/index.js';
import { createTrainedFixture, trainTinyRun, type TrainedFixture } from '../../eval/run/test-support/trained-run.js';
import { countMetricRows } from '../../store/runs-series.js';
import { listPairLists } from '../../store/pairs-repo.js';
import { createLabService } from './lab-service.js';
import { jobFinished, serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// Run management and "evaluate anywhere" through the service's validating dispatch, over a real lab:
// two tiny runs trained on one SynthFaces dataset, a second SynthFaces dataset imported beside it,
// real evaluation processes, real deletes of rows and folders.

let fixture: TrainedFixture;
let secondRunId: number;
let otherDatasetId: number;
let otherPairListId: number;
let service: LabService;
const { call, refused } = serviceCalls(() => service);

const finished = (jobId: string) => jobFinished(service, jobId);

async function evaluate(runId: number, pairListId: number): Promise<string> {
  const { jobId } = await call('evaluations.run', { runId: String(runId), pairListId: String(pairListId) });
  const job = await finished(jobId);
  expect(job.status, job.error ?? '').toBe('completed');
  return job.result!.evaluationId!;
}

beforeAll(async () => {
  fixture = await createTrainedFixture({ identities: 12, perIdentity: 6, steps: 12 });
  secondRunId = await trainTinyRun(fixture, { steps: 8, seed: 5 });
  const root = join(fixture.dataDir, 'other-synth');
  await generateSynthFaces({ outDir: root, preset: 'pose', identities: 8, perIdentity: 5, size: 32, seed: 11 });
  const imported = await importDataset({ db: fixture.db, root, dataDir: fixture.dataDir, inputSize: 32 });
  if (imported.status !== 'ready') throw new Error(`second dataset import failed: ${imported.error}`);
  otherDatasetId = imported.id;
  otherPairListId = listPairLists(fixture.db, otherDatasetId)[0]!.id;
  service = createLabService({ dataDir: fixture.dataDir, shell: 'test' });
}, 240_000);
afterAll(async () => {
  await service?.close();
  fixture?.cleanup();
});

describe('run management', () => {
  it('renames a run, keeps its notes and tags, and finds it by search, tag, DDL off and dataset', async () => {
    const runId = String(fixture.runId);
    const updated = await call('runs.update', {
      runId,
      name: 'baseline arcface',
      notes: 'first try, lr 0.1',
      tags: ['keep', 'pose'],
    });
    expect(updated).toMatchObject({ name: 'baseline arcface', notes: 'first try, lr 0.1', tags: ['keep', 'pose'] });
    // fields left out stay as they are
    expect(await call('runs.update', { runId, tags: ['keep'] })).toMatchObject({
      name: 'baseline arcface',
      notes: 'first try, lr 0.1',
      tags: ['keep'],
    });

    const ids = async (params: Parameters<typeof call<'runs.list'>>[1]) =>
      (await call('runs.list', params)).runs.map((r) => r.id).sort();
    expect(await ids({})).toEqual([runId, String(secondRunId)].sort());
    expect(await ids({ search: 'ARCFACE first' })).toEqual([runId]); // every word, name or notes, any case
    expect(await ids({ search: 'arcface missing' })).toEqual([]);
    expect(await ids({ tag: 'keep' })).toEqual([runId]);
    expect(await ids({ objective: 'ddl' })).toEqual([]);
    expect(await ids({ objective: 'classification' })).toHaveLength(2);
    expect(await ids({ datasetId: String(otherDatasetId) })).toEqual([]);
    expect(await ids({ status: 'completed', datasetId: String(fixture.datasetId) })).toHaveLength(2);
    expect((await call('runs.tags', {})).tags).toEqual([{ tag: 'keep', runs: 1 }]);
    const detail = await call('runs.get', { runId });
    expect(detail.tags).toEqual(['keep']);
    expect(detail).toHaveProperty('codeVersion'); // null: trained in-process, not created by the RunManager

    const error = await refused('runs.update', { runId, tags: ['a,b'] });
    expect(error).toMatchObject({ code: 'invalid_params', field: 'tags' });
    expect(error.message).toMatch(/"a,b" contains a comma/);
    expect((await call('runs.get', { runId })).tags).toEqual(['keep']); // nothing lost
  });

  it("evaluates a run on another dataset's pair list; the table has one cell per run and pair list", async () => {
    const ownList = fixture.pairListId;
    const onOwn = await evaluate(fixture.runId, ownList);
    const onOther = await evaluate(fixture.runId, otherPairListId);
    const secondOnOther = await evaluate(secondRunId, otherPairListId);

    const { benchmarks } = await call('evaluations.benchmarks', {});
    expect(benchmarks.map((b) => [b.id, b.datasetId])).toEqual(
      expect.arrayContaining([
        [String(ownList), String(fixture.datasetId)],
        [String(otherPairListId), String(otherDatasetId)],
      ]),
    );
    const table = await call('evaluations.table', {});
    const cell = (run: number, list: number) =>
      table.cells.find((c) => c.runId === String(run) && c.pairListId === String(list));
    expect(cell(fixture.runId, ownList)?.evaluationId).toBe(onOwn);
    expect(cell(fixture.runId, otherPairListId)?.evaluationId).toBe(onOther);
    expect(cell(secondRunId, otherPairListId)?.evaluationId).toBe(secondOnOther);
    expect(cell(secondRunId, ownList)).toBeUndefined();
    const other = (await call('evaluations.get', { evaluationId: onOther })).overall;
    expect(cell(fixture.runId, otherPairListId)).toMatchObject({ accuracy: other.accuracy, auc: other.auc });
    expect(cell(fixture.runId, otherPairListId)!.tarAtFar.length).toBeGreaterThan(0);
    // Inspect works on it: failures are read with the other dataset's images
    const failures = await call('evaluations.failures', { evaluationId: onOther, limit: 5 });
    for (const f of failures.items) expect(f.a.datasetId).toBe(String(otherDatasetId));

    // Compare both runs against the second as baseline, and export the same lines as CSV
    const comparison = await call('runs.compare', {
      runIds: [String(fixture.runId), String(secondRunId)],
      baselineRunId: String(secondRunId),
    });
    const accuracyLine = comparison.lines.find(
      (l) => l.pairListId === String(otherPairListId) && l.metric === 'accuracy',
    )!;
    const [a, b] = accuracyLine.values;
    expect(accuracyLine.deltas).toEqual([a! - b!, 0]);
    const ownLine = comparison.lines.find((l) => l.pairListId === String(ownList) && l.metric === 'accuracy')!;
    expect(ownLine.values[1]).toBeNull(); // the second run was not evaluated there
    expect(ownLine.deltas).toEqual([null, null]);
    expect(comparison.lines[0]).toMatchObject({ benchmark: 'training', metric: 'final loss' });

    const file = await call('exports.file', {
      kind: 'comparison-csv',
      runIds: [String(fixture.runId), String(secondRunId)],
      baselineRunId: String(secondRunId),
    });
    expect(file.mimeType).toBe('text/csv');
    const lines = file.content.trimEnd().split('\n');
    expect(lines).toHaveLength(comparison.lines.length + 1);
    expect(lines[0]).toBe(
      `benchmark,metric,baseline arcface [run ${fixture.runId}],run ${secondRunId} [run ${secondRunId}],baseline arcface [run ${fixture.runId}] - baseline`,
    );
    const row = lines.find((l) => l.includes('accuracy') && l.includes('other-synth'))!.split(',');
    expect(Number(row[2])).toBe(a);
    expect(Number(row[4])).toBeCloseTo(a! - b!, 12);

    const refusedCompare = await refused('runs.compare', { runIds: [String(fixture.runId)], baselineRunId: '999' });
    expect(refusedCompare.message).toMatch(/No run with id "999"|not one of the compared runs/);
  });

  it('serves the run and evaluation exports the CLI writes', async () => {
    const series = await call('exports.file', { kind: 'run-series-csv', runId: String(fixture.runId) });
    expect(series.fileName).toBe(`baseline-arcface-run${fixture.runId}-series.csv`);
    expect(series.content.trimEnd().split('\n')).toHaveLength(countMetricRows(fixture.db, fixture.runId) + 1);
    const json = JSON.parse((await call('exports.file', { kind: 'run-json', runId: String(fixture.runId) })).content);
    expect(json.run).toMatchObject({ id: fixture.runId, name: 'baseline arcface' });
    const [evaluationId] = (await call('runs.get', { runId: String(fixture.runId) })).evaluationIds;
    const metrics = await call('exports.file', { kind: 'evaluation-csv', evaluationId: evaluationId! });
    expect(metrics.content.split('\n')[0]).toMatch(/^type,pairs,genuine,impostor,accuracy/);
    const failures = await call('exports.file', { kind: 'failures-csv', evaluationId: evaluationId! });
    expect(failures.content.split('\n')[0]).toMatch(/^path1,path2,label/);
    expect(await refused('exports.file', { kind: 'evaluation-json', evaluationId: '9999' })).toMatchObject({
      code: 'not_found',
    });
  });

  it('says what deleting a run removes, then removes exactly that, rows and folder', async () => {
    const runId = String(secondRunId);
    const before = await call('runs.removal', { runId });
    expect(before).toMatchObject({ runId, blockedBy: null, evaluations: 1, checkpoints: 1 });
    expect(before.metricRows).toBe(countMetricRows(fixture.db, secondRunId));
    expect(before.metricRows).toBeGreaterThan(0);
    expect(before.folderBytes).toBeGreaterThan(0);
    expect(existsSync(before.folder)).toBe(true);

    expect(await call('runs.delete', { runId })).toEqual(before);
    expect(existsSync(before.folder)).toBe(false);
    expect(countMetricRows(fixture.db, secondRunId)).toBe(0);
    expect((await call('evaluations.list', { runId })).evaluations).toEqual([]);
    expect(await refused('runs.get', { runId })).toMatchObject({ code: 'not_found' });
    expect((await call('runs.list', {})).runs.map((r) => r.id)).toEqual([String(fixture.runId)]);
  });
});
