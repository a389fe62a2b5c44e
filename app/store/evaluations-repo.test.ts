import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeVerificationReport } from '../eval/verification-report.js';
import { insertFakeSplit } from '../train/test-support/fake-dataset.js';
import { databasePath, openDatabase, openLabDatabase, schemaVersion, type LabDatabase } from './db.js';
import { listFailures } from './evaluations-failures.js';
import { findHardnessEvaluation, imageHardness, listImageHardness } from './evaluations-hardness.js';
import {
  deleteEvaluation,
  evaluationIdsOfRun,
  getEvaluation,
  insertEvaluation,
  listEvaluations,
  type NewEvaluation,
  type NewFailure,
} from './evaluations-repo.js';
import { migration001 } from './migrations/001-datasets.js';
import { migration002 } from './migrations/002-runs.js';
import { migrations } from './migrations/index.js';
import { insertPairList } from './pairs-repo.js';
import { insertRun } from './runs-repository.js';

// The evaluation tables on real SQLite files: JSON round trip, the failure gallery's query,
// hardness, cascades, and databases that recorded the early, empty migration 3.

const dirs: string[] = [];
const databases: LabDatabase[] = [];
afterEach(() => {
  databases.splice(0).forEach((db) => db.close());
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddl-eval-store-'));
  dirs.push(dir);
  return dir;
}

function seeded(db: LabDatabase) {
  const { datasetId, splitId } = insertFakeSplit(db, { identities: 3, easyPerIdentity: 2, hardIdentities: 3 });
  const imageIds = (
    db.prepare('SELECT id FROM images WHERE dataset_id = ? ORDER BY idx').all(datasetId) as { id: number }[]
  ).map((r) => r.id);
  const pairListId = insertPairList(
    db,
    datasetId,
    { name: 'pairs', source: 'pairs.csv', format: 'csv', folds: 1, skippedCount: 0 },
    [
      { image1Id: imageIds[0]!, image2Id: imageIds[1]!, same: true, type: 'easy-easy', fold: null },
      { image1Id: imageIds[0]!, image2Id: imageIds[3]!, same: false, type: 'easy-hard', fold: null },
    ],
  );
  const runId = insertRun(db, { datasetId, splitId, stage: 1, config: {}, seed: 1, totalSteps: 10 }).id;
  return { datasetId, splitId, imageIds, pairListId, runId };
}

function newEvaluation(s: ReturnType<typeof seeded>, overrides: Partial<NewEvaluation> = {}): NewEvaluation {
  return {
    runId: s.runId,
    pairListId: s.pairListId,
    datasetId: s.datasetId,
    datasetRevision: 1,
    checkpointStep: 10,
    flipTest: false,
    seconds: 1.5,
    backend: 'cpu',
    typesSource: 'list',
    sidesSource: 'split',
    splitId: s.splitId,
    threshold: 0.4,
    thresholdSource: { kind: 'far', targetFar: 0.01, achievedFar: 0 },
    accuracy: 0.75,
    easyHardGap: 0.1,
    report: computeVerificationReport(
      [0.9, 0.2, 0.5, 0.1],
      [1, 0, 1, 0],
      ['easy-easy', 'easy-easy', 'easy-hard', 'easy-hard'],
      { folds: 2 },
    ),
    identification: null,
    failureCounts: [{ type: null, genuine: 2, impostor: 2, falseRejects: 1, falseAccepts: 1 }],
    hardness: { images: 9, mean: 0.5, easy: { images: 6, mean: 0.6 }, hard: { images: 3, mean: 0.3 } },
    ...overrides,
  };
}

describe('evaluation store', () => {
  it('round-trips an evaluation, lists it newest first and pages failures worst first', () => {
    const db = openLabDatabase(tempDir());
    databases.push(db);
    const s = seeded(db);
    const failures: NewFailure[] = [
      {
        kind: 'false-reject',
        rank: 1,
        pairIdx: 0,
        image1Id: s.imageIds[0]!,
        image2Id: s.imageIds[1]!,
        score: 0.1,
        severity: 0.3,
        pairType: 'easy-easy',
      },
      {
        kind: 'false-reject',
        rank: 2,
        pairIdx: 2,
        image1Id: s.imageIds[2]!,
        image2Id: s.imageIds[6]!,
        score: 0.35,
        severity: 0.05,
        pairType: 'easy-hard',
      },
      {
        kind: 'false-accept',
        rank: 1,
        pairIdx: 1,
        image1Id: s.imageIds[0]!,
        image2Id: s.imageIds[3]!,
        score: 0.6,
        severity: 0.2,
        pairType: 'easy-hard',
      },
    ];
    const hardness = s.imageIds.map((imageId, k) => ({
      imageId,
      hardness: k === 4 ? Number.NaN : 1 - k / 10,
      side: (k % 3 === 2 ? 1 : 0) as 0 | 1,
    }));
    const first = insertEvaluation(db, newEvaluation(s), failures, hardness);
    const second = insertEvaluation(db, newEvaluation(s, { flipTest: true, accuracy: Number.NaN }), [], []);
    const stored = getEvaluation(db, first)!;
    expect(stored).toMatchObject({
      id: first,
      status: 'completed',
      flipTest: false,
      error: null,
      accuracy: 0.75,
      splitId: s.splitId,
    });
    expect(stored.report).toEqual(newEvaluation(s).report);
    expect(getEvaluation(db, second)!.accuracy).toBeNull(); // NaN is not a number to store
    expect(listEvaluations(db, { runId: s.runId }).map((e) => e.id)).toEqual([second, first]);
    expect(evaluationIdsOfRun(db, s.runId)).toEqual([second, first]);

    const page = listFailures(db, first, { limit: 2 });
    expect(page.total).toBe(3);
    expect(page.items.map((f) => [f.kind, f.rank, f.severity])).toEqual([
      ['false-reject', 1, 0.3],
      ['false-accept', 1, 0.2],
    ]);
    expect(page.items[0]).toMatchObject({
      image1: { imageId: s.imageIds[0], path: '0/0.png', identity: '0', datasetId: s.datasetId },
    });
    expect(listFailures(db, first, { pairType: 'easy-hard' }).items.map((f) => f.pairIdx)).toEqual([1, 2]);
    expect(listFailures(db, first, { kind: 'false-reject', offset: 1 }).items.map((f) => f.pairIdx)).toEqual([2]);
    const keep = listFailures(db, first, {
      keep: (a, b) => a === s.imageIds[2] || b === s.imageIds[2],
      attributes: true,
    });
    expect(keep.total).toBe(1);
    expect(keep.items[0]!.image1.attributes).toMatchObject({ width: 32, sharpness: 1 });

    expect(imageHardness(db, first).get(s.imageIds[4]!)).toBeNaN();
    const hardest = listImageHardness(db, first, { limit: 100 });
    expect(hardest.items.map((h) => h.imageId)).toEqual([
      ...s.imageIds.slice(5).reverse(),
      ...s.imageIds.slice(0, 4).reverse(),
      s.imageIds[4],
    ]);
    expect(listImageHardness(db, first, { side: 1 }).total).toBe(3);
    // Plain embeddings are preferred for the split rule; `second` has no hardness summary anyway.
    expect(
      findHardnessEvaluation(db, { runId: s.runId, datasetId: s.datasetId, checkpointStep: 10, datasetRevision: 1 }),
    ).toBe(first);

    expect(deleteEvaluation(db, first)).toBe(true);
    expect(listFailures(db, first).total).toBe(0);
    expect(imageHardness(db, first).size).toBe(0);
  });

  it('deleting a pair list or a dataset deletes its evaluations', () => {
    const db = openLabDatabase(tempDir());
    databases.push(db);
    const s = seeded(db);
    const id = insertEvaluation(db, newEvaluation(s), [], [{ imageId: s.imageIds[0]!, hardness: 0.5, side: 0 }]);
    db.prepare('DELETE FROM pair_lists WHERE id = ?').run(s.pairListId);
    expect(getEvaluation(db, id)).toBeUndefined();
    const t = seeded(db);
    const other = insertEvaluation(db, newEvaluation(t), [], []);
    db.prepare('DELETE FROM datasets WHERE id = ?').run(t.datasetId);
    expect(getEvaluation(db, other)).toBeUndefined();
  });

  it('gives a database that recorded the early, empty migration 3 its tables on first use', () => {
    const dir = tempDir();
    const early = openDatabase(databasePath(dir), [
      migration001,
      migration002,
      { version: 3, name: 'evaluations', up: () => {} },
    ]);
    early.close();
    const db = openLabDatabase(dir);
    databases.push(db);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(listEvaluations(db)).toEqual([]);
    const s = seeded(db);
    expect(getEvaluation(db, insertEvaluation(db, newEvaluation(s), [], []))).toBeDefined();
  });
});
