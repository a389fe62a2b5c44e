import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsFromScoresFile } from '../../eval/index.js';
import { createTrainedFixture, type TrainedFixture } from '../../eval/run/test-support/trained-run.js';
import { getEvaluation } from '../../store/evaluations-repo.js';
import { createLabService } from './lab-service.js';
import { jobFinished, serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// exports.compute / exports.computed over a real lab: a tiny trained run, a real evaluation process,
// then the evaluation's per-pair scores and embeddings computed again in the evaluation process and
// read back: the scores by `ddl-lab metrics`' own reader to the stored report, the embeddings to
// the same scores.

let fixture: TrainedFixture;
let service: LabService;
let evaluationId: string;
let out: string;
const { call, refused } = serviceCalls(() => service);

const finished = (jobId: string) => jobFinished(service, jobId);

async function computed(params: Parameters<typeof call<'exports.compute'>>[1]) {
  const { jobId } = await call('exports.compute', params);
  const job = await finished(jobId);
  expect(job.status, job.error ?? '').toBe('completed');
  expect(job.kind).toBe('export');
  return (await call('exports.computed', { exportId: job.result!.exportId! })).files;
}

/** CSV lines split on commas (the fixture's paths hold none). */
const rows = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));

beforeAll(async () => {
  fixture = await createTrainedFixture({ identities: 10, perIdentity: 5, steps: 10 });
  service = createLabService({ dataDir: fixture.dataDir, shell: 'test' });
  out = mkdtempSync(join(tmpdir(), 'ddl-lab-computed-'));
  const { jobId } = await call('evaluations.run', {
    runId: String(fixture.runId),
    pairListId: String(fixture.pairListId),
    flipTest: true,
  });
  const job = await finished(jobId);
  if (job.status !== 'completed') throw new Error(`evaluation failed: ${job.error}`);
  evaluationId = job.result!.evaluationId!;
}, 240_000);
afterAll(async () => {
  await service?.close();
  fixture?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('exports computed from the checkpoint', () => {
  it("an evaluation's per-pair scores, which the metrics reader turns into the stored report", async () => {
    const [file, ...more] = await computed({ kind: 'pair-scores-csv', evaluationId });
    expect(more).toEqual([]);
    expect(file).toMatchObject({
      fileName: `evaluation${evaluationId}-run${fixture.runId}-scores.csv`,
      mimeType: 'text/csv',
    });
    expect(file!.encoding).toBeUndefined();
    expect(file!.content.split('\n')[0]).toBe('path1,path2,label,type,score');
    const path = join(out, file!.fileName);
    writeFileSync(path, file!.content);
    const read = metricsFromScoresFile(path);
    if (!read.ok) throw new Error(read.message);
    expect(read.metrics.input.skipped).toBe(0);
    const stored = getEvaluation(fixture.db, Number(evaluationId))!.report;
    // Every metric but the hardest-impostor means, which need the embeddings, not just the scores.
    expect(read.metrics.report).toEqual({
      ...stored,
      byType: stored.byType.map(({ hardestImpostor: _, ...set }) => set),
    });
  }, 120_000);

  it('the embeddings the evaluation scored, as .npy with its rows file and as CSV, give the same scores', async () => {
    const [npy, rowsFile] = await computed({ kind: 'evaluation-embeddings', evaluationId, format: 'npy' });
    expect(npy).toMatchObject({ fileName: `evaluation${evaluationId}-run${fixture.runId}-embeddings.npy` });
    expect(npy!.encoding).toBe('base64');
    expect(rowsFile!.fileName).toBe(`${npy!.fileName}.rows.csv`);
    const bytes = Buffer.from(npy!.content, 'base64');
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const headerLength = bytes.readUInt16LE(8);
    const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
    const images = rows(rowsFile!.content).slice(1);
    expect(header).toContain(`'shape': (${images.length}, 32)`);
    expect(images.length).toBe(
      fixture.db.prepare('SELECT COUNT(*) AS n FROM images WHERE dataset_id = ?').pluck().get(fixture.datasetId),
    );
    const matrix = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length),
    );
    expect(matrix.length).toBe(images.length * 32);

    const [csv] = await computed({ kind: 'evaluation-embeddings', evaluationId, format: 'csv' });
    const table = rows(csv!.content);
    expect(table[0]!.slice(0, 3)).toEqual(['path', 'identity', 'e0']);
    // The CSV's numbers are the .npy's, row for row.
    table.slice(1).forEach((row, r) => {
      expect(row[0]).toBe(images[r]![1]);
      expect(Float32Array.from(row.slice(2), Number)).toEqual(matrix.subarray(r * 32, (r + 1) * 32));
    });

    // Each pair's score is the dot product of its images' rows (flip-test embeddings, as evaluated).
    const rowOf = new Map(images.map((image, r) => [image[1]!, r]));
    const [scores] = await computed({ kind: 'pair-scores-csv', evaluationId });
    for (const [path1, path2, , , score] of rows(scores!.content).slice(1, 40)) {
      const a = rowOf.get(path1!)!;
      const b = rowOf.get(path2!)!;
      let dot = 0;
      for (let k = 0; k < 32; k++) dot += matrix[a * 32 + k]! * matrix[b * 32 + k]!;
      expect(Number(score)).toBe(dot);
    }
  }, 180_000);

  it("a run's embeddings of a dataset, and refusals that name what is missing", async () => {
    const [file] = await computed({
      kind: 'run-embeddings',
      runId: String(fixture.runId),
      datasetId: String(fixture.datasetId),
    });
    expect(file!.fileName).toBe(`run${fixture.runId}-dataset${fixture.datasetId}-embeddings.csv`);
    expect(rows(file!.content)[0]).toHaveLength(2 + 32);

    expect(await refused('exports.compute', { kind: 'pair-scores-csv', evaluationId: '999' })).toMatchObject({
      code: 'not_found',
    });
    expect(
      await refused('exports.compute', { kind: 'run-embeddings', runId: String(fixture.runId), datasetId: '999' }),
    ).toMatchObject({ code: 'not_found', field: 'datasetId' });
    expect(
      await refused('exports.compute', {
        kind: 'run-embeddings',
        runId: String(fixture.runId),
        datasetId: String(fixture.datasetId),
        checkpointStep: 7,
      }),
    ).toMatchObject({ code: 'not_found', message: expect.stringContaining('no checkpoint at step 7') });
    expect(await refused('exports.computed', { exportId: 'export-nope' })).toMatchObject({ code: 'not_found' });
    expect(await refused('exports.computed', { exportId: '../../etc' })).toMatchObject({ code: 'invalid_params' });
  }, 120_000);

  it('a cancelled export ends cancelled and leaves no files; closing the service removes the kept ones', async () => {
    const { jobId } = await call('exports.compute', { kind: 'evaluation-embeddings', evaluationId, format: 'npy' });
    await call('jobs.cancel', { jobId });
    const job = await finished(jobId);
    expect(job.status).toBe('cancelled');
    const root = join(fixture.dataDir, 'tmp', 'exports');
    expect(readdirSync(root)).toHaveLength(4); // the last four exports above are kept, the cancelled one is not
    await service.close();
    expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
    service = createLabService({ dataDir: fixture.dataDir, shell: 'test' });
  }, 60_000);
});
