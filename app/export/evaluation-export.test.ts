import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRun, type EvaluateRunResult } from '../eval/run/index.js';
import { createTrainedFixture, type TrainedFixture } from '../eval/run/test-support/trained-run.js';
import { getEvaluation } from '../store/evaluations-repo.js';
import { listFailures } from '../store/evaluations-failures.js';
import { imageCount, iterateImages } from '../store/images-repo.js';
import { loadPairs } from '../store/pairs-repo.js';
import { latestCheckpoint } from '../store/runs-checkpoints.js';
import { getRunRecord, insertRun } from '../store/runs-repository.js';
import {
  embeddingRowsCsv,
  embeddingsCsv,
  embeddingsNpy,
  evaluationJson,
  evaluationMetricsCsv,
  failuresCsv,
  runEmbeddings,
  tarColumn,
  type RunEmbeddings,
} from './index.js';

// The evaluation and embedding exports of a real (tiny) trained run and a real stored evaluation.

let fixture: TrainedFixture;
let result: EvaluateRunResult;
let embeddings: RunEmbeddings;

beforeAll(async () => {
  fixture = await createTrainedFixture({ identities: 12, perIdentity: 6, steps: 20 });
  // A threshold high enough that genuine pairs fail, low enough that impostors do: both kinds mined.
  result = await evaluateRun({
    db: fixture.db,
    dataDir: fixture.dataDir,
    runId: fixture.runId,
    pairListId: fixture.pairListId,
    threshold: 0.3,
  });
  embeddings = await runEmbeddings({
    db: fixture.db,
    dataDir: fixture.dataDir,
    runId: fixture.runId,
    datasetId: fixture.datasetId,
  });
}, 180_000);
afterAll(() => fixture?.cleanup());

/** Splits simple CSV (the fixture's paths hold no commas or quotes). */
const table = (csv: string) =>
  csv
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));

describe('evaluationJson', () => {
  it('holds the stored evaluation with its run, pair list and options, and survives JSON', () => {
    const id = result.evaluation.id;
    const json = JSON.parse(JSON.stringify(evaluationJson(fixture.db, id))) as ReturnType<typeof evaluationJson>;
    const stored = getEvaluation(fixture.db, id)!;
    expect(json.format).toBe('ddl-lab.evaluation-export');
    expect(json.evaluation).toEqual(JSON.parse(JSON.stringify(stored)));
    expect(json.run?.id).toBe(fixture.runId);
    expect(json.run?.config).toEqual(getRunRecord(fixture.db, fixture.runId)!.config);
    expect(json.run).not.toHaveProperty('pid');
    expect(json.pairList?.id).toBe(fixture.pairListId);
    expect(json.pairList?.pairCount).toBe(stored.report.overall.pairs);
    expect(json.options).toMatchObject({
      checkpointStep: latestCheckpoint(fixture.db, fixture.runId)!.step,
      flipTest: false,
      threshold: 0.3,
      thresholdSource: { kind: 'given' },
      verification: stored.report.options,
    });
  });

  it('names a missing evaluation', () => {
    expect(() => evaluationJson(fixture.db, 999)).toThrow(/no evaluation 999/);
  });
});

describe('evaluationMetricsCsv', () => {
  it('has one row overall and one per pair type, equal to the stored report', () => {
    const stored = getEvaluation(fixture.db, result.evaluation.id)!;
    const [header, ...rows] = table(evaluationMetricsCsv(fixture.db, result.evaluation.id));
    const fars = stored.report.options.farTargets;
    expect(header).toEqual([
      'type',
      'pairs',
      'genuine',
      'impostor',
      'accuracy',
      'accuracy_sd',
      'auc',
      'eer',
      ...fars.map(tarColumn),
      'mean_genuine',
      'mean_impostor',
      'margin',
      'd_prime',
      'overlap',
      ...(stored.identification ? ['rank1', 'rank5'] : []),
    ]);
    const sets = [stored.report.overall, ...stored.report.byType];
    expect(stored.report.byType.map((m) => m.type)).toEqual(['easy-easy', 'easy-hard', 'hard-hard']);
    expect(rows.map((r) => r[0])).toEqual(['overall', 'easy-easy', 'easy-hard', 'hard-hard']);
    const value = (text: string | undefined) => (text === 'NaN' ? null : Number(text));
    rows.forEach((row, i) => {
      const m = sets[i]!;
      const cell = (name: string) => row[header!.indexOf(name)];
      expect(Number(cell('pairs'))).toBe(m.pairs);
      expect(Number(cell('genuine'))).toBe(m.genuine);
      expect(value(cell('accuracy'))).toBe(m.accuracy?.mean ?? null);
      expect(value(cell('accuracy_sd'))).toBe(m.accuracy?.sd ?? null);
      expect(value(cell('auc'))).toBe(m.auc);
      expect(value(cell('eer'))).toBe(m.eer?.rate ?? null);
      for (const t of m.tarAtFar) expect(value(cell(tarColumn(t.far)))).toBe(t.tar);
      expect(value(cell('mean_genuine'))).toBe(m.distributions.genuine?.mean ?? null);
      expect(value(cell('mean_impostor'))).toBe(m.distributions.impostor?.mean ?? null);
      expect(value(cell('margin'))).toBe(m.distributions.margin);
    });
    expect(value(rows[0]![header!.indexOf('auc')])).not.toBeNull();
    if (stored.identification) {
      expect(value(rows[0]![header!.indexOf('rank1')])).toBe(stored.identification.rank1);
      expect(rows[1]![header!.indexOf('rank1')]).toBe('');
    }
  });
});

describe('failuresCsv', () => {
  it('lists every stored failure worst first with paths, label, type, score and both images’ attributes', () => {
    const id = result.evaluation.id;
    const stored = listFailures(fixture.db, id, { limit: 10_000, attributes: true });
    expect(stored.total).toBeGreaterThan(0);
    expect(new Set(stored.items.map((f) => f.kind))).toEqual(new Set(['false-reject', 'false-accept']));
    const [header, ...rows] = table(failuresCsv(fixture.db, id));
    expect(header!.slice(0, 7)).toEqual(['path1', 'path2', 'label', 'type', 'score', 'kind', 'severity']);
    const names = Object.keys(stored.items[0]!.image1.attributes!);
    expect(names).toEqual(expect.arrayContaining(['width', 'height', 'sharpness', 'brightness', 'contrast']));
    expect(header!.slice(7)).toEqual([...names.map((n) => `a.${n}`), ...names.map((n) => `b.${n}`)]);
    expect(rows.length).toBe(stored.total);
    rows.forEach((row, i) => {
      const f = stored.items[i]!;
      expect(row.slice(0, 7)).toEqual([
        f.image1.path,
        f.image2.path,
        f.kind === 'false-reject' ? '1' : '0',
        f.pairType,
        String(f.score),
        f.kind,
        String(f.severity),
      ]);
      // Label agrees with the threshold: a false reject is genuine below it, a false accept impostor at or above.
      expect(f.kind === 'false-reject' ? f.score < 0.3 : f.score >= 0.3).toBe(true);
      names.forEach((name, k) => {
        expect(row[7 + k]).toBe(String(f.image1.attributes![name]));
        expect(row[7 + names.length + k]).toBe(String(f.image2.attributes![name]));
      });
    });
  });
});

describe('runEmbeddings', () => {
  it('embeds every image of the dataset at the latest checkpoint, unit length, labelled by path and identity', () => {
    const count = imageCount(fixture.db, fixture.datasetId);
    expect(embeddings.paths.length).toBe(count);
    expect(embeddings.dim).toBe(32);
    expect(embeddings.checkpointStep).toBe(latestCheckpoint(fixture.db, fixture.runId)!.step);
    expect(new Set(embeddings.paths)).toEqual(
      new Set([...iterateImages(fixture.db, fixture.datasetId)].map((i) => i.path)),
    );
    for (let row = 0; row < count; row++) {
      let norm = 0;
      for (let j = 0; j < embeddings.dim; j++) norm += embeddings.embeddings[row * embeddings.dim + j]! ** 2;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
    }
  });

  it('gives the scores the evaluation computed: the cosine of each pair’s two rows', () => {
    const rowOfPath = new Map(embeddings.paths.map((p, row) => [p, row]));
    const pathOf = new Map([...iterateImages(fixture.db, fixture.datasetId)].map((i) => [i.id, i.path]));
    const pairs = loadPairs(fixture.db, fixture.pairListId);
    const d = embeddings.dim;
    for (let i = 0; i < pairs.same.length; i++) {
      const a = rowOfPath.get(pathOf.get(pairs.image1Ids[i]!)!)!;
      const b = rowOfPath.get(pathOf.get(pairs.image2Ids[i]!)!)!;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += embeddings.embeddings[a * d + j]! * embeddings.embeddings[b * d + j]!;
      expect(dot).toBeCloseTo(result.scores[i]!, 4);
    }
  });

  it('writes CSV path,identity,e0..e31 that reads back to the same float32 values', () => {
    const [header, ...rows] = table(embeddingsCsv(embeddings));
    expect(header).toEqual(['path', 'identity', ...Array.from({ length: 32 }, (_, j) => `e${j}`)]);
    expect(rows.length).toBe(embeddings.paths.length);
    rows.forEach((row, r) => {
      expect(row[0]).toBe(embeddings.paths[r]);
      expect(row[1]).toBe(embeddings.identities[r]);
      const values = Float32Array.from(row.slice(2).map(Number));
      expect(values).toEqual(embeddings.embeddings.subarray(r * 32, (r + 1) * 32));
    });
  });

  it('writes the matrix as .npy with the rows file naming each row', () => {
    const bytes = embeddingsNpy(embeddings);
    const headerLength = bytes[8]! | (bytes[9]! << 8);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');
    expect(header.trimEnd()).toBe(
      `{'descr': '<f4', 'fortran_order': False, 'shape': (${embeddings.paths.length}, 32), }`,
    );
    const data = new Float32Array(bytes.slice(10 + headerLength).buffer);
    expect(data).toEqual(embeddings.embeddings);
    const [head, ...rows] = table(embeddingRowsCsv(embeddings));
    expect(head).toEqual(['row', 'path', 'identity']);
    expect(rows.map((r) => r[1])).toEqual(embeddings.paths);
    expect(rows.map((r) => Number(r[0]))).toEqual(embeddings.paths.map((_, i) => i));
  });

  it('names what is missing: the run, the dataset, a checkpoint', async () => {
    const request = { db: fixture.db, dataDir: fixture.dataDir, runId: fixture.runId, datasetId: fixture.datasetId };
    await expect(runEmbeddings({ ...request, runId: 999 })).rejects.toThrow(/no run 999/);
    await expect(runEmbeddings({ ...request, datasetId: 999 })).rejects.toThrow(/no dataset 999/);
    const trained = getRunRecord(fixture.db, fixture.runId)!;
    const fresh = insertRun(fixture.db, {
      datasetId: fixture.datasetId,
      splitId: fixture.splitId,
      stage: 1,
      config: trained.config,
      seed: trained.seed,
      totalSteps: trained.totalSteps,
    });
    await expect(runEmbeddings({ ...request, runId: fresh.id })).rejects.toThrow(
      new RegExp(`run ${fresh.id} has no checkpoint yet`),
    );
  });
});
