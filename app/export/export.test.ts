import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRun } from '../eval/run/index.js';
import { createTrainedFixture, type TrainedFixture } from '../eval/run/test-support/trained-run.js';
import { metricsFromScoresFile } from '../eval/scores-file-metrics.js';
import { iterateImages } from '../store/images-repo.js';
import { loadPairs } from '../store/pairs-repo.js';
import { getRunRecord } from '../store/runs-repository.js';
import { countMetricRows, histogramSteps, histogramsAt, metricSeries } from '../store/runs-series.js';
import { trainInProcess } from '../train/test-support/train-in-process.js';
import { maskedCrc32c } from './tfrecord.js';
import { pairScoresCsv, runJson, runSeriesCsv, tensorboardEvents } from './index.js';

// The exports of real runs: a tiny stage-1 run and a DDL fine-tune of it (so the four similarity
// histograms are recorded), trained in this process on SynthFaces, and a real evaluation.

let fixture: TrainedFixture;
let ddlRunId: number;
let out: string;

beforeAll(async () => {
  fixture = await createTrainedFixture({ identities: 12, perIdentity: 6, steps: 20 });
  const { runId, outcome } = await trainInProcess(fixture.db, fixture.dataDir, {
    datasetId: fixture.datasetId,
    splitId: fixture.splitId,
    config: {
      stage: 2,
      parentRunId: fixture.runId,
      objective: 'ddl',
      batchSize: 4,
      steps: 6,
      lr: 0.01,
      seed: 3,
      histogramEvery: 3,
      checkpointEvery: 6,
    },
  });
  if (outcome.status !== 'completed') throw new Error(`the DDL test run ended ${outcome.status}`);
  ddlRunId = runId;
  out = mkdtempSync(join(tmpdir(), 'ddl-export-'));
}, 180_000);
afterAll(() => {
  fixture?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('runSeriesCsv', () => {
  it('writes every metric row of the run, long form, equal to the stored values', () => {
    for (const runId of [fixture.runId, ddlRunId]) {
      const [header, ...rows] = runSeriesCsv(fixture.db, runId).trimEnd().split('\n');
      expect(header).toBe('step,name,value');
      expect(rows.length).toBe(countMetricRows(fixture.db, runId));
      expect(rows.length).toBeGreaterThan(0);
      const series = metricSeries(fixture.db, runId);
      const seen = new Set<string>();
      let lastStep = -1;
      for (const row of rows) {
        const [step, name, value] = row.split(',');
        expect(Number(step)).toBeGreaterThanOrEqual(lastStep);
        lastStep = Number(step);
        const stored = series[name!]!.find((p) => p.step === Number(step))!;
        expect(value === 'NaN' ? null : Number(value)).toBe(stored.value);
        seen.add(`${step}/${name}`);
      }
      expect(seen.size).toBe(rows.length);
    }
  });

  it('says which run is missing', () => {
    expect(() => runSeriesCsv(fixture.db, 999)).toThrow(/no run 999/);
  });
});

describe('runJson', () => {
  it('holds the full config, status, backend, seed, dataset, timings and every series', () => {
    const json = JSON.parse(JSON.stringify(runJson(fixture.db, ddlRunId))) as ReturnType<typeof runJson>;
    const record = getRunRecord(fixture.db, ddlRunId)!;
    expect(json.format).toBe('ddl-lab.run-export');
    expect(json.run).toMatchObject({
      id: ddlRunId,
      status: 'completed',
      backend: 'test',
      seed: 3,
      stage: 2,
      parentRunId: fixture.runId,
      datasetId: fixture.datasetId,
      splitId: fixture.splitId,
      createdAt: record.createdAt,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
    });
    expect(json.run.config).toEqual(record.config);
    expect(json.run.config).toMatchObject({ objective: 'ddl', steps: 6 });
    expect(json.dataset).toMatchObject({ id: fixture.datasetId, kind: 'synth' });
    expect(json.checkpoints).toEqual([6]);
    const points = Object.values(json.metrics).reduce((n, s) => n + s.length, 0);
    expect(points).toBe(countMetricRows(fixture.db, ddlRunId));
    expect(json.metrics.posKL).toHaveLength(6);
  });
});

function records(bytes: Buffer): Buffer[] {
  const found: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const length = Number(bytes.readBigUInt64LE(at));
    expect(bytes.readUInt32LE(at + 8)).toBe(maskedCrc32c(bytes.subarray(at, at + 8)));
    const data = bytes.subarray(at + 12, at + 12 + length);
    expect(bytes.readUInt32LE(at + 12 + length)).toBe(maskedCrc32c(data));
    found.push(data);
    at += 12 + length + 4;
  }
  return found;
}

describe('tensorboardEvents', () => {
  it('frames one event per recorded step after the file-version event, named as TensorBoard names them', () => {
    const file = tensorboardEvents(fixture.db, ddlRunId, { host: 'lab host' });
    expect(file.fileName).toMatch(/^events\.out\.tfevents\.\d{10}\.lab_host$/);
    expect(file.steps).toBe(6);
    const found = records(file.bytes);
    expect(found).toHaveLength(7);
    expect(found[0]!.includes(Buffer.from('brain.Event:2'))).toBe(true);
    for (const branch of ['teacherPositive', 'teacherNegative', 'studentPositive', 'studentNegative'])
      expect(found.filter((r) => r.includes(Buffer.from(`similarity/${branch}`)))).toHaveLength(2);
  });

  // TensorBoard's own loader reads the file: needs a Python with tensorboard installed, given as
  // DDL_LAB_TENSORBOARD_PYTHON (e.g. a venv's bin/python); skipped without one.
  const python = process.env.DDL_LAB_TENSORBOARD_PYTHON;
  it.skipIf(!python)(
    "is read by TensorBoard's EventAccumulator: every scalar and the four histograms" +
      (python ? '' : ' (skipped: DDL_LAB_TENSORBOARD_PYTHON names no Python with tensorboard)'),
    () => {
      const file = tensorboardEvents(fixture.db, ddlRunId, { host: 'test' });
      const logdir = join(out, 'tb');
      rmSync(logdir, { recursive: true, force: true });
      execFileSync('mkdir', ['-p', logdir]);
      writeFileSync(join(logdir, file.fileName), file.bytes);
      const script = new URL('./fixtures/read-events.py', import.meta.url).pathname;
      const read = JSON.parse(execFileSync(python!, [script, logdir], { encoding: 'utf8' })) as {
        scalars: Record<string, Array<[number, number | null]>>;
        histograms: Record<string, Array<{ step: number; min: number; max: number; num: number; bucket: number[] }>>;
      };
      const series = metricSeries(fixture.db, ddlRunId);
      expect(Object.keys(read.scalars).sort()).toEqual(Object.keys(series).sort());
      for (const [name, points] of Object.entries(series))
        expect(read.scalars[name]).toEqual(points.map((p) => [p.step, p.value === null ? null : Math.fround(p.value)]));
      const steps = histogramSteps(fixture.db, ddlRunId);
      expect(steps).toEqual([3, 6]);
      for (const step of steps)
        for (const h of histogramsAt(fixture.db, ddlRunId, step)!.histograms) {
          const event = read.histograms[`similarity/${h.branch}`]!.find((e) => e.step === step)!;
          expect(event).toMatchObject({ min: h.lo, max: h.hi, num: h.count });
          expect(event.bucket).toEqual(h.bins.map((mass) => mass * h.count));
        }
    },
    60_000,
  );
});

describe('pairScoresCsv', () => {
  it('writes path1,path2,label,type,score that `metrics --scores` reads back to the evaluation report', async () => {
    const result = await evaluateRun({
      db: fixture.db,
      dataDir: fixture.dataDir,
      runId: fixture.runId,
      pairListId: fixture.pairListId,
    });
    const csv = pairScoresCsv({
      db: fixture.db,
      pairListId: fixture.pairListId,
      scores: result.scores,
      types: result.pairTypes,
    });
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('path1,path2,label,type,score');
    const pairs = loadPairs(fixture.db, fixture.pairListId);
    expect(lines.length - 1).toBe(pairs.same.length);
    const pathOf = new Map([...iterateImages(fixture.db, fixture.datasetId)].map((i) => [i.id, i.path]));
    const [path1, path2, label, type, score] = lines[1]!.split(',');
    expect([path1, path2, Number(label), type, Number(score)]).toEqual([
      pathOf.get(pairs.image1Ids[0]!),
      pathOf.get(pairs.image2Ids[0]!),
      pairs.same[0],
      pairs.types[0],
      result.scores[0],
    ]);

    const file = join(out, 'scores.csv');
    writeFileSync(file, csv);
    const read = metricsFromScoresFile(file);
    if (!read.ok) throw new Error(read.message);
    expect(read.metrics.input).toMatchObject({ pairs: pairs.same.length, skipped: 0, hasTypes: true });
    // Everything but the hardest-impostor means, which need the embeddings, not just the scores.
    const stored = result.evaluation.report;
    const fromScores = { ...stored, byType: stored.byType.map(({ hardestImpostor: _, ...set }) => set) };
    expect(read.metrics.report).toEqual(fromScores);
    expect(read.metrics.report.byType.map((t) => t.type).sort()).toEqual(['easy-easy', 'easy-hard', 'hard-hard']);
  }, 60_000);

  it('quotes paths with commas, writes untyped pairs as such, drops the type column when nothing is typed', () => {
    const pairs = loadPairs(fixture.db, fixture.pairListId);
    const n = pairs.same.length;
    const scores = Float64Array.from({ length: n }, (_, i) => i / n);
    const mixed = pairs.types.map((t, i) => (i === 0 ? null : t));
    expect(
      pairScoresCsv({ db: fixture.db, pairListId: fixture.pairListId, scores, types: mixed }).split('\n')[1],
    ).toMatch(/,untyped,0$/);
    const plain = pairScoresCsv({ db: fixture.db, pairListId: fixture.pairListId, scores, types: null });
    expect(plain.split('\n')[0]).toBe('path1,path2,label,score');
    expect(() =>
      pairScoresCsv({ db: fixture.db, pairListId: fixture.pairListId, scores: scores.slice(1), types: null }),
    ).toThrow(`has ${n} pairs but ${n - 1} scores`);
    expect(existsSync(out)).toBe(true);
  });
});
