import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment } from '../../experiments/experiments.js';
import { finishExperiment, setCellRun } from '../../store/experiments-repo.js';
import { setRunExecution } from '../../store/runs-executor.js';
import { RunManager } from '../../train/run-manager.js';
import { createSynthFixture, type SynthFixture } from '../../train/test-support/synth-fixture.js';
import { tinyStage1 } from '../../train/test-support/tiny-stage1.js';
import { createLabService } from './lab-service.js';
import { serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// slurm.getSettings / slurm.setSettings through the validating dispatch: the data folder's
// slurm.json read and replaced, bad values refused naming the field (and nothing written), a bad
// file named; and experiments.get shows a cell's Slurm job id and state.

let fixture: SynthFixture;
let service: LabService;
const api = serviceCalls(() => service);
beforeAll(async () => {
  fixture = await createSynthFixture({ identities: 6, perIdentity: 3 });
  service = createLabService({ dataDir: fixture.dataDir, shell: 'test' });
}, 60_000);
afterAll(async () => {
  await service?.close();
  fixture?.cleanup();
});

describe('slurm.* settings', () => {
  it('reads the defaults, replaces the settings, refuses bad values without writing, and names a bad file', async () => {
    const { dataDir } = fixture;
    const file = join(dataDir, 'slurm.json');
    expect(await api.call('slurm.getSettings', {})).toEqual({
      file,
      settings: {},
      sharedDir: join(dataDir, 'bundles'),
    });

    const settings = { partition: 'gpu', cpus: 4, memory: '8G', setup: ['module load nodejs/20'] };
    expect(await api.call('slurm.setSettings', { settings })).toEqual({
      file,
      settings,
      sharedDir: join(dataDir, 'bundles'),
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(settings);

    const refused = await api.refused('slurm.setSettings', { settings: { ...settings, cpus: 0 } });
    expect(refused).toMatchObject({
      code: 'invalid_params',
      message: expect.stringContaining('cpus must be at least 1, got 0'),
    });
    expect(refused.field).toMatch(/cpus/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(settings);
    expect((await api.refused('slurm.setSettings', { settings: { colour: 'blue' } })).code).toBe('invalid_params');

    // Fields left out go back to their defaults.
    expect((await api.call('slurm.setSettings', { settings: { sharedDir: '/cluster/bundles' } })).sharedDir).toBe(
      '/cluster/bundles',
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ sharedDir: '/cluster/bundles' });

    writeFileSync(file, JSON.stringify({ time: 'soon' }));
    const bad = await api.refused('slurm.getSettings', {});
    expect(bad).toMatchObject({
      code: 'invalid_params',
      field: 'time',
      message: `${file}: time must be minutes, HH:MM:SS or D-HH:MM:SS, got "soon"`,
    });
  });

  it("experiments.get shows each cell's executor, Slurm job id and state", async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    const experiment = createExperiment(db, {
      name: 'on slurm',
      executor: 'slurm',
      variants: [{ name: 'reference' }],
      seeds: [1],
    });
    finishExperiment(db, experiment.id, 'interrupted', 'stopped'); // not picked up by a runner here
    const run = new RunManager(db, dataDir).create({ datasetId, splitId, config: tinyStage1(3, 3) });
    setCellRun(db, { experimentId: experiment.id, seed: 1, variant: '', arm: 'stage1' }, run.id);
    setRunExecution(db, run.id, { executor: 'slurm', jobId: '77_1', jobState: 'PENDING', bundleDir: '/x/run' });
    const detail = await api.call('experiments.get', { experimentId: String(experiment.id) });
    expect(detail.spec.executor).toBe('slurm');
    expect(detail.cells).toEqual([
      expect.objectContaining({ arm: 'stage1', executor: 'slurm', jobId: '77_1', jobState: 'PENDING' }),
    ]);
  });
});
