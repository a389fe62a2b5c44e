import { readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { loadBackbone } from '../models/index.js';
import { checkpointFolder, listCheckpoints } from '../store/runs-checkpoints.js';
import { getRunRecord, markRunStarted, requestRunCancel, requeueRun } from '../store/runs-repository.js';
import { countMetricRows, metricNames, metricSeries } from '../store/runs-series.js';
import type { RunEvent } from './events.js';
import { RunManager } from './run-manager.js';
import { workerLogFile } from './run-supervisor.js';
import { createSynthFixture, type SynthFixture } from './test-support/synth-fixture.js';
import { trainInProcess } from './test-support/train-in-process.js';
import { parseResolvedRunConfig } from './run-checks.js';
import { train } from './trainer.js';
import { tinyStage1 } from './test-support/tiny-stage1.js';

// Resuming runs whose last attempt left them in a bad state, in real run processes: a damaged
// newest checkpoint, and steps recorded after the last checkpoint by a process that was killed.

let fixture: SynthFixture;
beforeAll(async () => {
  await initBackend();
  fixture = await createSynthFixture({ identities: 16, perIdentity: 6 });
}, 120_000);
afterAll(() => fixture?.cleanup());

const stage1 = tinyStage1;

const steps = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resuming a run', () => {
  it('falls back to the older checkpoint when the newest one is damaged, says so, and trains the lost steps again', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    const { runId, outcome } = await trainInProcess(db, dataDir, { datasetId, splitId, config: stage1(12, 4) }, (s) =>
      s >= 8 ? 'cancel' : undefined,
    );
    expect(outcome).toMatchObject({ status: 'cancelled', step: 8 });
    const weights = join(checkpointFolder(dataDir, { runId, step: 8 }), 'backbone', 'weights.bin');
    const intactSize = statSync(weights).size;
    truncateSync(weights, Math.floor(intactSize / 2));

    const manager = new RunManager(db, dataDir);
    const events: RunEvent[] = [];
    manager.subscribe((e) => events.push(e));
    const final = await manager.resume(runId).done;
    expect(final).toMatchObject({ status: 'completed', lastStep: 12, error: null });

    const said = events.filter((e) => e.type === 'run.log').map((e) => e.message);
    const fallback =
      /^the newest checkpoint could not be loaded \(step 8: .*weights\.bin holds \d+ bytes but .* lists \d+; the folder is incomplete\); resuming from the older checkpoint step 4 instead, so steps 5–8 are trained again$/;
    expect(said.filter((m) => fallback.test(m))).toHaveLength(1);
    expect(said).toContain('resuming from checkpoint step 4');
    expect(readFileSync(workerLogFile(dataDir, runId), 'utf8')).toMatch(/resuming from the older checkpoint step 4/);
    expect(events.find((e) => e.type === 'run.progress')).toMatchObject({ step: 5 });

    // Every step once; step 8 was written again, whole, and the newest two checkpoints are kept.
    const names = metricNames(db, runId);
    expect(countMetricRows(db, runId)).toBe(12 * names.length);
    expect(metricSeries(db, runId, { names: ['total'] }).total!.map((p) => p.step)).toEqual(steps(1, 12));
    expect(listCheckpoints(db, runId).map((c) => c.step)).toEqual([8, 12]);
    expect(statSync(weights).size).toBe(intactSize);
    (await loadBackbone(join(checkpointFolder(dataDir, { runId, step: 8 }), 'backbone'))).dispose();
  }, 120_000);

  it('a resume cancelled before its next checkpoint ends at the step the run really has, with no rows past it', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    const manager = new RunManager(db, dataDir);
    // Killed between checkpoints: the killed attempt recorded steps after its last checkpoint.
    const first = manager.createAndStart({ datasetId, splitId, config: stage1(200, 5) });
    const killed = new Promise<void>((resolve) => {
      const stop = manager.subscribe((e) => {
        if (e.type === 'run.progress' && e.runId === first.runId && e.step >= 6) {
          stop();
          process.kill(first.pid!, 'SIGKILL');
          resolve();
        }
      });
    });
    await killed;
    const interrupted = await first.done;
    const runId = interrupted.id;
    const checkpointStep = listCheckpoints(db, runId).at(-1)!.step;
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.lastStep).toBeGreaterThan(checkpointStep); // the killed attempt's steps past it

    // Resume, and cancel it before it trains a step (the flag is read before every step).
    const events: RunEvent[] = [];
    manager.subscribe((e) => events.push(e));
    const resumed = manager.resume(runId);
    expect(requestRunCancel(db, runId)).toBe(true);
    const final = await resumed.done;
    expect(final).toMatchObject({ status: 'cancelled', lastStep: checkpointStep, error: null });
    expect(events.filter((e) => e.type === 'run.progress')).toEqual([]);
    expect(events.find((e) => e.type === 'run.status' && e.status === 'cancelled')).toMatchObject({
      step: checkpointStep,
    });
    const names = metricNames(db, runId);
    expect(metricSeries(db, runId, { names: ['total'] }).total!.map((p) => p.step)).toEqual(steps(1, checkpointStep));
    expect(countMetricRows(db, runId)).toBe(checkpointStep * names.length);
    expect(listCheckpoints(db, runId).at(-1)!.step).toBe(checkpointStep);
    expect(getRunRecord(db, runId)!.lastStep).toBe(checkpointStep);
  }, 120_000);

  it('refuses to resume, dropping nothing, when none of the checkpoints loads', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    const { runId } = await trainInProcess(db, dataDir, { datasetId, splitId, config: stage1(12, 4) }, (s) =>
      s >= 8 ? 'cancel' : undefined,
    );
    truncateSync(join(checkpointFolder(dataDir, { runId, step: 8 }), 'arrays.bin'), 10);
    rmSync(checkpointFolder(dataDir, { runId, step: 4 }), { recursive: true });
    requeueRun(db, runId);
    markRunStarted(db, runId, { pid: process.pid, backend: 'test' });
    const run = getRunRecord(db, runId)!;
    await expect(
      train({
        db,
        dataDir,
        run,
        config: parseResolvedRunConfig(run.config),
        callbacks: { stopRequested: () => undefined },
      }),
    ).rejects.toThrow(
      new RegExp(
        `^run ${runId} cannot resume: none of its checkpoints loads \\(step 8: checkpoint .* arrays\\.bin is truncated \\(classifier\\); step 4: checkpoint .* does not exist \\(was it deleted\\?\\)\\)\\. Restore the folder .* from a backup, or start a new run\\.$`,
      ),
    );
    expect(listCheckpoints(db, runId).map((c) => c.step)).toEqual([4, 8]);
    expect(getRunRecord(db, runId)!.lastStep).toBe(8);
    expect(metricSeries(db, runId, { names: ['total'] }).total!.map((p) => p.step)).toEqual(steps(1, 8));
  }, 60_000);
});
