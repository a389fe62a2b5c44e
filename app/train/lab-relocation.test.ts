import { createHash } from 'node:crypto';
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEmbeddings } from '../api/service/run-embeddings.js';
import { initBackend } from '../engine/backend.js';
import { evaluateRun } from '../eval/run/index.js';
import { openLabDatabase } from '../store/db.js';
import { checkpointFolder, listCheckpoints } from '../store/runs-checkpoints.js';
import { metricSeries } from '../store/runs-series.js';
import { RunManager } from './run-manager.js';
import { createSynthFixture, type SynthFixture } from './test-support/synth-fixture.js';
import { trainInProcess } from './test-support/train-in-process.js';
import { tinyStage1 } from './test-support/tiny-stage1.js';

// A lab folder copied or moved as a whole (a backup restored elsewhere, a new disk): its runs
// resume, fine-tune and evaluate from their own checkpoints, in real run processes, and a copy
// never reads or deletes the files of the folder it was copied from.

const root = mkdtempSync(join(tmpdir(), 'ddl-relocation-'));
let fixture: SynthFixture;
let runId = 0;
let pairListId = 0;

beforeAll(async () => {
  await initBackend();
  fixture = await createSynthFixture({ identities: 16, perIdentity: 6 });
  const { db, dataDir, datasetId, splitId } = fixture;
  // Stopped at step 8 of 12: checkpoints 4 and 8, resumable.
  const trained = await trainInProcess(
    db,
    dataDir,
    {
      datasetId,
      splitId,
      config: tinyStage1(12, 4),
    },
    (step) => (step >= 8 ? 'cancel' : undefined),
  );
  expect(trained.outcome).toMatchObject({ status: 'cancelled', step: 8 });
  runId = trained.runId;
  expect(listCheckpoints(db, runId).map((c) => c.step)).toEqual([4, 8]);
  // The rows as DDL Lab wrote them before: the absolute folders of this lab.
  for (const step of [4, 8])
    db.prepare('UPDATE run_checkpoints SET path = ? WHERE run_id = ? AND step = ?').run(
      checkpointFolder(dataDir, { runId, step }),
      runId,
      step,
    );
  pairListId = (
    db.prepare('SELECT id FROM pair_lists WHERE dataset_id = ? ORDER BY id LIMIT 1').get(datasetId) as { id: number }
  ).id;
  db.close(); // the lab is closed, as when a user copies its folder
}, 120_000);

afterAll(() => {
  fixture?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

/** Every file and folder under `dir`: kind, size, modification time and content hash. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    const name = relative(dir, path) || '.';
    if (stat.isDirectory()) {
      out.push(`${name}/ ${stat.mtimeMs}`);
      for (const child of readdirSync(path).sort()) walk(join(path, child));
    } else {
      const hash = stat.isFile() ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'link';
      out.push(`${name} ${stat.size} ${stat.mtimeMs} ${hash}`);
    }
  };
  walk(dir);
  return out;
}

describe('a copied or moved lab folder', () => {
  it('a copy resumes from its own checkpoint and leaves every file of the original as it was', async () => {
    const original = fixture.dataDir;
    const before = listing(original);
    expect(before.some((line) => line.startsWith(join('runs', String(runId), 'checkpoints', 'step-000004')))).toBe(
      true,
    );
    const copy = join(root, 'copy');
    cpSync(original, copy, { recursive: true });
    // Mark the copy's checkpoint: a run that resumes from it carries 1000 s more training time.
    const stateFile = join(checkpointFolder(copy, { runId, step: 8 }), 'state.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { trainSeconds: number };
    writeFileSync(stateFile, JSON.stringify({ ...state, trainSeconds: state.trainSeconds + 1000 }));

    const db = openLabDatabase(copy);
    try {
      const final = await new RunManager(db, copy).resume(runId).done;
      expect(final).toMatchObject({ status: 'completed', lastStep: 12, error: null });
      const time = metricSeries(db, runId, { names: ['time'] }).time!;
      expect(time.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(time[8]!.value).toBeGreaterThan(1000); // step 9 went on from the copy's checkpoint
      expect(time[7]!.value).toBeLessThan(1000);
      // Pruning kept the newest two, in the copy.
      expect(listCheckpoints(db, runId).map((c) => c.step)).toEqual([8, 12]);
      expect(readdirSync(join(copy, 'runs', String(runId), 'checkpoints'))).toEqual(['step-000008', 'step-000012']);
    } finally {
      db.close();
    }
    expect(listing(original)).toEqual(before);
  }, 120_000);

  it('a moved lab resumes, fine-tunes from its stage-1 run, and evaluates and embeds with it', async () => {
    const moved = join(root, 'moved');
    renameSync(fixture.dataDir, moved);
    const db = openLabDatabase(moved);
    try {
      const manager = new RunManager(db, moved);
      const resumed = await manager.resume(runId).done;
      expect(resumed).toMatchObject({ status: 'completed', lastStep: 12, error: null });
      expect(manager.get(runId)!.checkpoints.map((c) => c.path)).toEqual([
        join(moved, 'runs', String(runId), 'checkpoints', 'step-000008'),
        join(moved, 'runs', String(runId), 'checkpoints', 'step-000012'),
      ]);

      const fineTune = await manager.createAndStart({
        datasetId: fixture.datasetId,
        splitId: fixture.splitId,
        config: { stage: 2, parentRunId: runId, objective: 'ddl', batchSize: 4, steps: 2, lr: 0.01, seed: 3 },
      }).done;
      expect(fineTune).toMatchObject({ status: 'completed', lastStep: 2, error: null });

      const { evaluation } = await evaluateRun({ db, dataDir: moved, runId, pairListId });
      expect(evaluation).toMatchObject({ runId, checkpointStep: 12, status: 'completed' });

      const embedded = await new RunEmbeddings(() => db, moved).embeddings(fineTune.id, fixture.datasetId);
      expect(embedded.imageIds.length).toBe(16 * 6);
    } finally {
      db.close();
    }
  }, 180_000);
});
