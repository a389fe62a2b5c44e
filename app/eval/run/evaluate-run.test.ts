import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLabDatabase } from '../../store/db.js';
import { listFailures, storedFailureCounts } from '../../store/evaluations-failures.js';
import { findHardnessEvaluation, imageHardness, listImageHardness } from '../../store/evaluations-hardness.js';
import { getEvaluation, listEvaluations } from '../../store/evaluations-repo.js';
import { loadPairs } from '../../store/pairs-repo.js';
import { insertRun, deleteRunRecord } from '../../store/runs-repository.js';
import { splitMembers } from '../../store/splits-repo.js';
import {
  embedDataset,
  evaluateRun,
  EvaluationRequestError,
  formatEvaluation,
  resolveEvaluationTarget,
  type EvaluateRunResult,
} from './index.js';
import { createTrainedFixture, type TrainedFixture } from './test-support/trained-run.js';

// A real (tiny) stage-1 run on a real SynthFaces set, evaluated on the set's own pair list, stored
// in SQLite and read back through a second connection.

let fixture: TrainedFixture;
let plain: EvaluateRunResult;

beforeAll(async () => {
  fixture = await createTrainedFixture({ identities: 16, perIdentity: 6, steps: 40 });
  plain = await evaluateRun({
    db: fixture.db,
    dataDir: fixture.dataDir,
    runId: fixture.runId,
    pairListId: fixture.pairListId,
  });
}, 120_000);
afterAll(() => fixture?.cleanup());

const backboneDir = () =>
  resolveEvaluationTarget(fixture.db, {
    dataDir: fixture.dataDir,
    runId: fixture.runId,
    pairListId: fixture.pairListId,
  }).backboneDir;

describe('evaluateRun', () => {
  it('stores the evaluation and reads the same back through another connection', () => {
    const { evaluation } = plain;
    expect(evaluation).toMatchObject({
      runId: fixture.runId,
      pairListId: fixture.pairListId,
      datasetId: fixture.datasetId,
      checkpointStep: 40,
      flipTest: false,
      status: 'completed',
      typesSource: 'list',
      sidesSource: 'split',
      splitId: fixture.splitId,
    });
    expect(evaluation.report.byType.map((t) => t.type)).toEqual(['easy-easy', 'easy-hard', 'hard-hard']);
    expect(evaluation.report.overall.pairs).toBe(loadPairs(fixture.db, fixture.pairListId).same.length);
    expect(evaluation.accuracy).toBe(evaluation.report.overall.accuracy!.mean);
    expect(evaluation.easyHardGap).toBe(evaluation.report.gaps.find((g) => g.type === 'easy-hard')!.accuracy);
    expect(evaluation.identification!.galleryIdentities).toBe(16);
    expect(evaluation.identification!.evaluatedProbes).toBe(splitMembers(fixture.db, fixture.splitId).hard.length);
    expect(evaluation.thresholdSource).toMatchObject({ kind: 'far', targetFar: 0.01 });
    expect(evaluation.failureCounts![0]!.type).toBeNull();
    // Beside the all-impostor E[S-], each pair type has E[S-] over each probe's hardest impostor, stored.
    for (const set of evaluation.report.byType) {
      const hardest = set.hardestImpostor!;
      expect(hardest.probes).toBeGreaterThan(0);
      expect(hardest.mean!).toBeGreaterThan(set.distributions.impostor!.mean);
      expect(hardest.margin).toBeCloseTo(set.distributions.genuine!.mean - hardest.mean!, 12);
    }
    expect(evaluation.report.byType.find((t) => t.type === 'easy-hard')!.hardestImpostor!.probes).toBe(
      splitMembers(fixture.db, fixture.splitId).hard.length,
    );

    const other = openLabDatabase(fixture.dataDir);
    try {
      expect(getEvaluation(other, evaluation.id)).toEqual(evaluation);
      expect(listEvaluations(other, { runId: fixture.runId }).map((e) => e.id)).toContain(evaluation.id);
      expect(imageHardness(other, evaluation.id).size).toBe(96);
    } finally {
      other.close();
    }
  });

  it('stores the failures worst first, joined to paths, identities, pair types and attributes', () => {
    const { evaluation, failures } = plain;
    const all = listFailures(fixture.db, evaluation.id, { limit: 1000, attributes: true });
    expect(all.total).toBe(failures!.falseRejects.length + failures!.falseAccepts.length);
    expect(all.total).toBeGreaterThan(0);
    const severities = all.items.map((f) => f.severity);
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
    for (const f of all.items) {
      expect(f.severity).toBeGreaterThanOrEqual(0);
      expect(f.kind === 'false-reject' ? f.score < evaluation.threshold! : f.score >= evaluation.threshold!).toBe(true);
      expect(['easy-easy', 'easy-hard', 'hard-hard']).toContain(f.pairType);
      for (const image of [f.image1, f.image2]) {
        expect(image.datasetId).toBe(fixture.datasetId);
        expect(image.path).toMatch(/\.(png|jpg)$/);
        expect(image.identity).not.toBe('');
        expect(image.attributes).toHaveProperty('yaw');
        expect(image.attributes).toHaveProperty('sharpness');
      }
      expect(f.image1.identity === f.image2.identity).toBe(f.kind === 'false-reject');
    }
    // The pairs of the list, as mined.
    const pairs = loadPairs(fixture.db, fixture.pairListId);
    const worstReject = failures!.falseRejects[0];
    if (worstReject) {
      const stored = listFailures(fixture.db, evaluation.id, { kind: 'false-reject', limit: 1 }).items[0]!;
      expect(stored).toMatchObject({
        rank: 1,
        pairIdx: worstReject.pair,
        score: worstReject.score,
        image1: { imageId: pairs.image1Ids[worstReject.pair] },
      });
    }
  });

  it('filters failures by kind, pair type and an image predicate, and pages them', () => {
    const id = plain.evaluation.id;
    const counts = storedFailureCounts(fixture.db, id);
    for (const { kind, pairType, count } of counts) {
      const page = listFailures(fixture.db, id, { kind, pairType: pairType!, limit: 2 });
      expect(page.total).toBe(count);
      expect(page.items.length).toBe(Math.min(2, count));
      expect(page.items.every((f) => f.kind === kind && f.pairType === pairType)).toBe(true);
    }
    const all = listFailures(fixture.db, id, { limit: 1000 });
    const second = listFailures(fixture.db, id, { offset: 1, limit: 1 });
    if (all.total > 1) expect(second.items[0]).toEqual(all.items[1]);
    const hard = new Set(splitMembers(fixture.db, fixture.splitId).hard);
    const withHard = listFailures(fixture.db, id, { limit: 1000, keep: (a, b) => hard.has(a) || hard.has(b) });
    expect(withHard.total).toBe(
      all.items.filter((f) => hard.has(f.image1.imageId) || hard.has(f.image2.imageId)).length,
    );
    expect(withHard.items).toEqual(all.items.filter((f) => hard.has(f.image1.imageId) || hard.has(f.image2.imageId)));
  });

  it('measures hardness in [-1, 1] for every image, hardest first on request', () => {
    const { evaluation } = plain;
    const hardness = imageHardness(fixture.db, evaluation.id);
    for (const value of hardness.values()) {
      expect(value).toBeGreaterThanOrEqual(-1 - 1e-6);
      expect(value).toBeLessThanOrEqual(1 + 1e-6);
    }
    const page = listImageHardness(fixture.db, evaluation.id, { limit: 5 });
    expect(page.total).toBe(96);
    expect(page.items[0]!.hardness).toBe(Math.min(...hardness.values()));
    expect(evaluation.hardness).toMatchObject({ images: 96, easy: { images: 64 }, hard: { images: 32 } });
    // Measured on this fixture (seed 3, 40 steps): easy 0.919, hard 0.884. The pose preset's hard
    // images (|yaw| ≥ 45) sit further from their identity's centre even in a barely trained model.
    expect(evaluation.hardness!.hard!.mean!).toBeLessThan(evaluation.hardness!.easy!.mean!);
  });

  it('finds the stored hardness for the model-based split rule', () => {
    const { evaluation } = plain;
    expect(
      findHardnessEvaluation(fixture.db, {
        runId: fixture.runId,
        datasetId: fixture.datasetId,
        checkpointStep: 40,
        datasetRevision: evaluation.datasetRevision,
      }),
    ).toBeDefined();
    expect(
      findHardnessEvaluation(fixture.db, {
        runId: fixture.runId,
        datasetId: fixture.datasetId,
        checkpointStep: 39,
        datasetRevision: evaluation.datasetRevision,
      }),
    ).toBeUndefined();
  });

  it('flip-test embeddings are unit length and differ from plain ones', async () => {
    const flipped = await embedDataset(fixture.db, fixture.dataDir, fixture.datasetId, backboneDir(), {
      flipTest: true,
      batchSize: 40,
    });
    const straight = await embedDataset(fixture.db, fixture.dataDir, fixture.datasetId, backboneDir(), {
      batchSize: 40,
    });
    expect(flipped.flipTest).toBe(true);
    expect(Array.from(flipped.imageIds)).toEqual(Array.from(straight.imageIds));
    let largest = 0;
    for (let row = 0; row < 96; row++) {
      let norm = 0;
      let cosine = 0;
      for (let k = 0; k < flipped.dim; k++) {
        norm += flipped.embeddings[row * flipped.dim + k]! ** 2;
        cosine += flipped.embeddings[row * flipped.dim + k]! * straight.embeddings[row * flipped.dim + k]!;
      }
      expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
      largest = Math.max(largest, 1 - cosine);
    }
    expect(largest).toBeGreaterThan(1e-3);
    const evaluated = await evaluateRun({
      db: fixture.db,
      dataDir: fixture.dataDir,
      runId: fixture.runId,
      pairListId: fixture.pairListId,
      flipTest: true,
    });
    expect(evaluated.evaluation.flipTest).toBe(true);
    expect(evaluated.evaluation.report.overall.distributions.genuine!.mean).not.toBe(
      plain.evaluation.report.overall.distributions.genuine!.mean,
    );
  });

  it("embeds a subset (a pair list's images) in the order given, the same rows as the whole set", async () => {
    const whole = await embedDataset(fixture.db, fixture.dataDir, fixture.datasetId, backboneDir());
    const ids = [whole.imageIds[5]!, whole.imageIds[2]!, whole.imageIds[5]!];
    const part = await embedDataset(fixture.db, fixture.dataDir, fixture.datasetId, backboneDir(), { imageIds: ids });
    expect(Array.from(part.imageIds)).toEqual([ids[0], ids[1]]);
    const row = whole.rowOf.get(ids[1]!)!;
    for (let k = 0; k < part.dim; k++)
      expect(part.embeddings[part.dim + k]).toBeCloseTo(whole.embeddings[row * whole.dim + k]!, 5);
  });

  it('mines failures at a given threshold', async () => {
    const { evaluation, failures } = await evaluateRun({
      db: fixture.db,
      dataDir: fixture.dataDir,
      runId: fixture.runId,
      pairListId: fixture.pairListId,
      threshold: 0.5,
    });
    expect(evaluation.threshold).toBe(0.5);
    expect(evaluation.thresholdSource).toEqual({ kind: 'given' });
    expect(failures!.falseRejects.every((f) => f.score < 0.5)).toBe(true);
  });

  it("formats the evaluation with the metric table per pair type and the failing pairs' paths", () => {
    const text = formatEvaluation(fixture.db, plain.evaluation, plain.failures);
    expect(text).toMatch(/^Evaluation \d+: run \d+ at step 40 on pair list/);
    expect(text).toMatch(/^metric\s+all\s+easy-easy\s+easy-hard\s+hard-hard$/m);
    expect(text).toMatch(/Identification .*rank-1 \d\.\d{4}, rank-5 \d\.\d{4}/);
    expect(text).toMatch(/Hardness .*easy \d\.\d{4} \(64\), hard \d\.\d{4} \(32\)/);
    expect(text).toMatch(/pair \d+ \(\S+\.(png|jpg) ~ \S+\.(png|jpg)\): score/);
  });

  it('explains an unknown run, a run without a checkpoint and an unknown pair list', async () => {
    const { db, dataDir } = fixture;
    const problem = async (runId: number, pairListId: number, checkpointStep?: number) => {
      try {
        await evaluateRun({ db, dataDir, runId, pairListId, checkpointStep });
      } catch (error) {
        expect(error).toBeInstanceOf(EvaluationRequestError);
        return { problem: (error as EvaluationRequestError).problem, message: (error as Error).message };
      }
      throw new Error('evaluateRun should have refused');
    };
    expect(await problem(999, fixture.pairListId)).toMatchObject({
      problem: 'unknown-run',
      message: expect.stringMatching(/no run 999/),
    });
    const fresh = insertRun(db, {
      datasetId: fixture.datasetId,
      splitId: fixture.splitId,
      stage: 1,
      config: {},
      seed: 1,
      totalSteps: 10,
    });
    expect(await problem(fresh.id, fixture.pairListId)).toMatchObject({
      problem: 'no-checkpoint',
      message: expect.stringMatching(/has no checkpoint yet/),
    });
    expect(await problem(fixture.runId, fixture.pairListId, 7)).toMatchObject({
      problem: 'unknown-checkpoint',
      message: expect.stringMatching(/steps 40/),
    });
    expect(await problem(fixture.runId, 999)).toMatchObject({
      problem: 'unknown-pair-list',
      message: expect.stringMatching(/no pair list 999/),
    });
    deleteRunRecord(db, fresh.id);
  });

  it('deleting the run deletes its evaluations, failures and hardness', async () => {
    const { db } = fixture;
    const ids = listEvaluations(db, { runId: fixture.runId }).map((e) => e.id);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    deleteRunRecord(db, fixture.runId);
    expect(listEvaluations(db, { runId: fixture.runId })).toEqual([]);
    for (const id of ids) {
      expect(listFailures(db, id).total).toBe(0);
      expect(imageHardness(db, id).size).toBe(0);
    }
  });
});
