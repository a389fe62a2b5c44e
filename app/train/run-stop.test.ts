import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabDatabase } from '../store/db.js';
import { listCheckpoints } from '../store/runs-checkpoints.js';
import { getRunRecord, markRunStarted, type RunRecord } from '../store/runs-repository.js';
import { countMetricRows, metricNames, metricSeries } from '../store/runs-series.js';
import { identifyRunWorker, isProcessAlive, isRunWorkerAlive, runWorkerEnvMarker } from './process-liveness.js';
import { recoverInterruptedRuns } from './run-control.js';
import { RunManager } from './run-manager.js';
import { startSupervisorProcess, waitUntil } from './test-support/processes.js';
import { createSynthFixture, type SynthFixture } from './test-support/synth-fixture.js';
import { tinyStage1 } from './test-support/tiny-stage1.js';

// Stops reach a training worker within one step (its loop yields every step), and a pid that
// now belongs to another process does not keep a run `running`. Real processes, real kills.

let fixture: SynthFixture;
beforeAll(async () => {
  fixture = await createSynthFixture({ identities: 16, perIdentity: 6 });
});
afterAll(() => fixture?.cleanup());

// Long enough never to finish in these tests, and no checkpoint before the stop.
const longStage1 = tinyStage1(100_000, 100_000);

function lastMetricStep(db: LabDatabase, runId: number): number {
  const total = metricSeries(db, runId, { names: ['total'] }).total ?? [];
  return total.length > 0 ? total[total.length - 1]!.step : 0;
}

const statusOf = (db: LabDatabase, runId: number) => (getRunRecord(db, runId) as RunRecord).status;

describe('stopping a run within one step', () => {
  it('a worker whose parent is killed with SIGKILL checkpoints the step it is on and exits; no metric row follows', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    const run = new RunManager(db, dataDir).create({ datasetId, splitId, name: 'orphan', config: longStage1 });
    const { supervisor, workerPid } = await startSupervisorProcess(dataDir, run.id);
    await waitUntil('3 recorded steps', () => (lastMetricStep(db, run.id) >= 3 ? true : undefined));

    const stepBeforeKill = lastMetricStep(db, run.id);
    process.kill(supervisor.pid as number, 'SIGKILL');
    let final: RunRecord;
    try {
      final = await waitUntil(
        'the orphaned worker to end its run',
        () => (statusOf(db, run.id) === 'running' ? undefined : getRunRecord(db, run.id)),
        30_000,
      );
      await waitUntil('the worker to exit', () => (isRunWorkerAlive(workerPid, run.id) ? undefined : true), 30_000);
    } finally {
      if (isRunWorkerAlive(workerPid, run.id)) process.kill(workerPid, 'SIGKILL'); // it trained on: leave no orphan
    }

    expect(final.status).toBe('interrupted');
    expect(final.error).toMatch(/the process that started the run went away at step \d+; it was checkpointed/);
    const last = lastMetricStep(db, run.id);
    // The step in progress when the parent died, and at most one more seen before the kill was sent.
    expect(last - stepBeforeKill).toBeLessThanOrEqual(2);
    expect(final.lastStep).toBe(last);
    expect(listCheckpoints(db, run.id).map((c) => c.step)).toEqual([last]);
    const rows = countMetricRows(db, run.id);
    expect(rows).toBe(last * metricNames(db, run.id).length);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(countMetricRows(db, run.id)).toBe(rows);
  });

  it('a run whose pid belongs to a process that is not its worker (pid reuse) is recovered; its live worker is not', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    const manager = new RunManager(db, dataDir);
    const live = manager.createAndStart({ datasetId, splitId, name: 'live', config: longStage1 });
    await waitUntil('the live run to train', () => (lastMetricStep(db, live.runId) >= 1 ? true : undefined));

    // Left `running` by processes long gone, whose pids now belong to others: a `sleep`, and the
    // worker of another run.
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    const reused = manager.create({ datasetId, splitId, name: 'reused by sleep', config: longStage1 });
    markRunStarted(db, reused.id, { pid: sleeper.pid as number, backend: 'wasm' });
    const taken = manager.create({ datasetId, splitId, name: 'reused by a worker', config: longStage1 });
    markRunStarted(db, taken.id, { pid: live.pid as number, backend: 'wasm' });
    try {
      const recovered = recoverInterruptedRuns(db);
      expect(recovered.map((r) => r.id).sort()).toEqual([reused.id, taken.id].sort());
      expect(recovered.every((r) => r.status === 'interrupted')).toBe(true);
      expect(recovered.find((r) => r.id === reused.id)?.error).toMatch(
        new RegExp(`the run process \\(pid ${sleeper.pid}\\) is gone`),
      );
      expect(statusOf(db, live.runId)).toBe('running');
      expect(isProcessAlive(sleeper.pid as number)).toBe(true); // recovery never touches the process
    } finally {
      sleeper.kill('SIGKILL');
      await manager.cancel(live.runId, { graceMs: 30_000 });
    }
    expect(statusOf(db, live.runId)).toBe('cancelled');
  });

  it.skipIf(process.platform !== 'linux')(
    "recognises a worker by its supervisor's environment marker when its command line cannot tell (utilityProcess)",
    async () => {
      const marked = spawn('sleep', ['60'], { stdio: 'ignore', env: { ...process.env, [runWorkerEnvMarker]: '41' } });
      const plain = spawn('sleep', ['60'], { stdio: 'ignore' });
      try {
        await waitUntil('both sleeps to run', () =>
          isProcessAlive(marked.pid as number) && isProcessAlive(plain.pid as number) ? true : undefined,
        );
        expect(identifyRunWorker(marked.pid as number, 41)).toBe('worker');
        expect(identifyRunWorker(marked.pid as number, 42)).toBe('other');
        expect(identifyRunWorker(plain.pid as number, 41)).toBe('other');
        expect(identifyRunWorker(process.pid, 41)).toBe('other'); // vitest itself: alive, no worker
      } finally {
        marked.kill('SIGKILL');
        plain.kill('SIGKILL');
      }
    },
  );
});
