import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpoints } from '../store/runs-checkpoints.js';
import { getRunRecord } from '../store/runs-repository.js';
import { countMetricRows, metricNames, metricSeries } from '../store/runs-series.js';
import { isRunEvent, type RunEvent } from './events.js';
import { forkLauncher } from './fork-launcher.js';
import { recoverInterruptedRuns } from './run-control.js';
import { RunManager } from './run-manager.js';
import { workerLogFile } from './run-supervisor.js';
import { createSynthFixture, type SynthFixture } from './test-support/synth-fixture.js';
import { tinyStage1 } from './test-support/tiny-stage1.js';

// Runs in their own processes (child_process.fork of run-worker.ts through tsx), as the app runs them.

let fixture: SynthFixture;
beforeAll(async () => {
  fixture = await createSynthFixture({ identities: 16, perIdentity: 6 });
});
afterAll(() => fixture?.cleanup());

const stage1 = tinyStage1;

function waitFor<T>(subscribe: (listener: (value: T) => void) => void, test: (value: T) => boolean): Promise<T> {
  return new Promise((resolve) =>
    subscribe((value) => {
      if (test(value)) resolve(value);
    }),
  );
}

describe('run processes', () => {
  it('a run killed with SIGKILL is interrupted after a restart and resumes to completion with no metric row lost or duplicated', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    const manager = new RunManager(db, dataDir);
    const run = manager.create({ datasetId, splitId, config: stage1(30, 10) });

    // Started without a supervisor, as if by an app that then crashed: only the database knows.
    const child = forkLauncher.launch({
      args: ['--data-dir', dataDir, '--run', String(run.id)],
      logFile: workerLogFile(dataDir, run.id),
    });
    const exited = new Promise((resolve) => child.onExit(resolve));
    await waitFor<unknown>(
      (l) => child.onMessage(l),
      (m) => isRunEvent(m) && m.type === 'run.progress' && m.step >= 14,
    );
    child.kill();
    await exited;
    const before = getRunRecord(db, run.id)!;
    expect(before.status).toBe('running'); // nobody wrote the final word
    expect(listCheckpoints(db, run.id).map((c) => c.step)).toEqual([10]);
    const recordedBeforeKill = metricSeries(db, run.id, { names: ['total'] }).total!;
    expect(recordedBeforeKill.length).toBeGreaterThanOrEqual(14);

    // "Restart": recovery finds the dead pid.
    const recovered = recoverInterruptedRuns(db);
    expect(recovered.map((r) => r.id)).toEqual([run.id]);
    expect(recovered[0]!.status).toBe('interrupted');
    expect(recovered[0]!.error).toMatch(/resume continues from its last checkpoint, step 10/);

    const events: RunEvent[] = [];
    manager.subscribe((e) => events.push(e));
    const final = await manager.resume(run.id).done;
    expect(final).toMatchObject({ status: 'completed', lastStep: 30, attempts: 2, error: null });
    expect(events.find((e) => e.type === 'run.status' && e.status === 'running')).toMatchObject({
      step: recordedBeforeKill.length,
    });
    expect(events.filter((e) => e.type === 'run.progress').map((e) => (e as { step: number }).step)[0]).toBe(11);

    // Every step 1..30 exactly once per metric; the replayed steps 11..14 reproduce their values.
    const names = metricNames(db, run.id);
    expect(countMetricRows(db, run.id)).toBe(30 * names.length);
    const total = metricSeries(db, run.id, { names: ['total'] }).total!;
    expect(total.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const old of recordedBeforeKill.slice(0, 14)) {
      expect(total[old.step - 1]!.value).toBeCloseTo(old.value!, 4);
    }
    expect(listCheckpoints(db, run.id).map((c) => c.step)).toEqual([20, 30]);
  });

  it('cancels gracefully: the run finishes its step, checkpoints and ends cancelled', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    const manager = new RunManager(db, dataDir);
    const handle = manager.createAndStart({ datasetId, splitId, config: stage1(500, 1000) });
    await waitFor<RunEvent>(
      (l) => manager.subscribe(l),
      (e) => e.type === 'run.progress' && e.step >= 3,
    );
    const final = await manager.cancel(handle.runId, { graceMs: 60_000 });
    expect(final.status).toBe('cancelled');
    expect(final.lastStep).toBeGreaterThanOrEqual(3);
    expect(final.lastStep).toBeLessThan(500);
    expect(listCheckpoints(db, handle.runId).map((c) => c.step)).toEqual([final.lastStep]);
    expect(manager.handle(handle.runId)).toBeUndefined();
  });

  it('marks a run interrupted when its supervised process dies, and refuses to start it twice', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    const manager = new RunManager(db, dataDir);
    const handle = manager.createAndStart({ datasetId, splitId, config: stage1(500, 1000) });
    expect(() => manager.start(handle.runId)).toThrow(/only a queued run can start|already has a process/);
    await waitFor<RunEvent>(
      (l) => manager.subscribe(l),
      (e) => e.type === 'run.progress' && e.step >= 2,
    );
    process.kill(handle.pid!, 'SIGKILL');
    const final = await handle.done;
    expect(final.status).toBe('interrupted');
    expect(final.error).toMatch(/was killed \(SIGKILL\) at step \d+ of 500; it has no checkpoint yet/);
  });
});
