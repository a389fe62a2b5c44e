import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../contract/index.js';
import { openLabDatabase } from '../../store/db.js';
import { getExperiment } from '../../store/experiments-repo.js';
import { listRunRecords } from '../../store/runs-repository.js';
import { createLabService } from './lab-service.js';
import { serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// experiments.* through the validating dispatch: a tiny 1-variant × 2-seed experiment is created
// and started, the app closes while it runs, a new app picks it up where it was, and its detail
// carries the paired results and their CSV.

const dataDir = mkdtempSync(join(tmpdir(), 'ddl-experiments-api-'));
let service: LabService = createLabService({ dataDir, shell: 'server' });
const api = serviceCalls(() => service);
afterAll(async () => {
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const spec = {
  name: 'api tiny',
  data: {
    imageSize: 32,
    train: { identities: 12, perIdentity: 5, seed: 5 },
    validation: { identities: 8, perIdentity: 5, seed: 6 },
  },
  backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 16, widths: [8, 8, 16, 16], depths: [1, 1, 1, 1] },
  stage1: { batchSize: 16, steps: 4, lr: 0.05, schedule: { kind: 'constant', warmupSteps: 0 } },
  stage2: { batchSize: 4, steps: 6, histogramEvery: 3 },
  variants: [{ name: 'x10' }],
  seeds: [1, 2],
};

describe('experiments.*', () => {
  it('refuses a bad spec naming the field', async () => {
    const error = await api.refused('experiments.create', {
      spec: { ...spec, variants: [{ name: 'x', stage2: { lr: 0 } }] },
    });
    expect(error).toMatchObject({ code: 'invalid_params', field: 'spec' });
    expect(error.message).toContain('variants.0.stage2.lr: lr must be positive, got 0');
  });

  it('runs an experiment in the background; a restarted app picks it up and completes it', async () => {
    const events: LabEvent[] = [];
    service.subscribe((event) => events.push(event));
    const created = await api.call('experiments.create', { spec });
    expect(created).toMatchObject({ name: 'api tiny', status: 'running', progress: { total: 6 } });
    // Close the app once the first stage 1 is done (its runs checkpoint and stop).
    await waitUntilAsync(
      async () => (await api.call('experiments.get', { experimentId: created.id })).progress.done >= 1,
    );
    // Its runs were live like any run: their progress and end went out as run.* events.
    const first = (await api.call('experiments.get', { experimentId: created.id })).cells.find(
      (c) => c.arm === 'stage1' && c.status === 'completed',
    )!;
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'run.progress', payload: expect.objectContaining({ runId: first.runId }) }),
    );
    expect(events).toContainEqual({
      type: 'run.status',
      payload: expect.objectContaining({ runId: first.runId, status: 'completed' }),
    });
    await service.close();
    const db = openLabDatabase(dataDir);
    try {
      // Closed mid-way: its runs stopped, and it waits for the next start.
      expect(getExperiment(db, Number(created.id))!.status).toBe('queued');
      expect(listRunRecords(db).filter((r) => r.status === 'running')).toEqual([]);
    } finally {
      db.close();
    }
    service = createLabService({ dataDir, shell: 'server' });
    await waitUntilAsync(
      async () => (await api.call('experiments.get', { experimentId: created.id })).status === 'completed',
    );
    const detail = await api.call('experiments.get', { experimentId: created.id });
    expect(detail.progress).toEqual({ done: 6, total: 6 });
    expect(detail.cells).toHaveLength(6);
    // Local runs: no Slurm job (the Experiments page shows the job id and state of Slurm runs).
    expect(detail.cells.map((c) => [c.executor, c.jobId])).toEqual(Array(6).fill(['local', null]));
    const gap = detail.variants[0]!.metrics.find((m) => m.key === 'marginGap')!;
    expect(gap.difference.n).toBe(2);
    expect(gap.difference.ci95).toHaveLength(2);
    expect(detail.csv.split('\n')[0]).toContain('ci95_low,ci95_high,p');
    expect((await api.call('experiments.list', {})).experiments.map((e) => e.status)).toEqual(['completed']);
  }, 600_000);
});

async function waitUntilAsync(test: () => Promise<boolean>, timeoutMs = 500_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
