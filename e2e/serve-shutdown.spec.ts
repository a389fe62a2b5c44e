import { latestCheckpoint } from '../app/store/runs-checkpoints.js';
import { getRunRecord, listRunRecords } from '../app/store/runs-repository.js';
import { metricSeries } from '../app/store/runs-series.js';
import { createSynthFixture } from '../app/train/test-support/synth-fixture.js';
import { expect, startLabServer } from './lab-server.js';
import { test } from '@playwright/test';
import { tinyStage1 } from '../app/train/test-support/tiny-stage1.js';

// Stopping `ddl-lab serve` while a run trains (no browser): SIGTERM to the real server process.
// The run's worker is told to suspend, sees it within one step, checkpoints that step and ends
// `interrupted`; the server exits promptly, and no trained step is lost.

test('SIGTERM to a serve that trains: it exits within 5 s, the run is interrupted with a checkpoint of its last step', async () => {
  const fixture = await createSynthFixture({ identities: 16, perIdentity: 6 });
  const { db, dataDir } = fixture;
  const { lab, child } = await startLabServer(dataDir);
  try {
    const response = await fetch(`${lab.origin}/api/runs.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${lab.token}` },
      body: JSON.stringify({
        config: {
          name: 'stopped with the server',
          datasetId: String(fixture.datasetId),
          splitId: String(fixture.splitId),
          ...tinyStage1(100_000, 100_000), // no checkpoint but the one written when it stops
        },
      }),
    });
    expect(response.status).toBe(200);
    const runId = listRunRecords(db)[0]!.id;
    const recorded = () => metricSeries(db, runId, { names: ['total'] }).total ?? [];
    await expect.poll(() => recorded().length, { timeout: 120_000 }).toBeGreaterThanOrEqual(3);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const sentAt = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const seconds = (Date.now() - sentAt) / 1000;
    test
      .info()
      .annotations.push({ type: 'shutdown', description: `serve exited ${seconds.toFixed(2)} s after SIGTERM` });
    expect(code).toBe(0);
    expect(seconds).toBeLessThan(5);

    const run = getRunRecord(db, runId)!;
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(/the app asked the run to pause at step \d+; it was checkpointed/);
    const lastStep = recorded().at(-1)!.step;
    expect(run.lastStep).toBe(lastStep);
    expect(latestCheckpoint(db, runId)?.step).toBe(lastStep); // at most one step old: none lost
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fixture.cleanup();
  }
});
