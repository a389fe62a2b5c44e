import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDataset } from '../../store/datasets-repo.js';
import { openLabDatabase } from '../../store/db.js';
import { seedDatasetWithRuns } from '../../lab/test-support/dataset-with-runs.js';
import { killImportMidway, writeImportableFaces } from '../../lab/test-support/interrupted-import.js';
import { createLabService } from './lab-service.js';
import { serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// The UI's path for the same cases as `ddl-lab dataset remove`: an import killed with SIGKILL in a
// real child process, and a dataset with runs, both through the service's validating dispatch.

let dir: string;
let service: LabService | undefined;
const { call, refused } = serviceCalls(() => service!);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-service-remove-'));
});
afterEach(async () => {
  await service?.close();
  service = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('datasets.remove and interrupted imports', () => {
  it('a service started after an import was killed lists it failed (interrupted), deletes the partial cache, and removes it', async () => {
    const dataDir = join(dir, 'killed');
    const faces = await writeImportableFaces(join(dir, 'faces'));
    const killed = await killImportMidway(faces, dataDir);
    expect(existsSync(killed.partial)).toBe(true);

    service = createLabService({ dataDir, shell: 'test' });
    const { datasets } = await call('datasets.list', {});
    expect(datasets).toHaveLength(1);
    expect(datasets[0]).toMatchObject({ id: '1', status: 'failed' });
    expect(datasets[0]!.error).toMatch(new RegExp(`^import interrupted: the importing process \\(pid ${killed.pid}, `));
    // Recovered for good at start-up: the record says failed and the partial file is gone.
    expect(existsSync(killed.partial)).toBe(false);
    const db = openLabDatabase(dataDir);
    expect(getDataset(db, 1)).toMatchObject({ status: 'failed' });
    db.close();

    expect(await call('datasets.remove', { datasetId: '1' })).toMatchObject({ removed: true, runs: [] });
    expect((await call('datasets.list', {})).datasets).toEqual([]);
    expect(existsSync(dirname(killed.partial))).toBe(false); // its cache folder
  });

  it('refuses a dataset with runs (conflict) unless withRuns, which removes the runs and their folders', async () => {
    const dataDir = join(dir, 'runs');
    const db = openLabDatabase(dataDir);
    const seeded = seedDatasetWithRuns({ db, dataDir });
    db.close();
    service = createLabService({ dataDir, shell: 'test' });
    const datasetId = String(seeded.datasetId);

    const error = await refused('datasets.remove', { datasetId });
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/has 2 runs \(1, 2\) and 1 evaluation/);
    expect((await call('runs.list', {})).runs).toHaveLength(3);

    const removal = await call('datasets.remove', { datasetId, withRuns: true });
    expect(removal).toEqual({
      removed: true,
      images: 9,
      splits: 1,
      pairLists: 1,
      runs: seeded.runIds.map(String),
      evaluations: 1,
      folders: seeded.runFolders,
    });
    for (const folder of seeded.runFolders) expect(existsSync(folder)).toBe(false);
    expect((await call('runs.list', {})).runs.map((r) => r.datasetId)).toEqual([String(seeded.otherDatasetId)]);
    expect((await refused('datasets.remove', { datasetId, withRuns: 'yes' })).code).toBe('invalid_params');
  });
});
