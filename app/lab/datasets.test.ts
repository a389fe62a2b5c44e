import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheDirVariable, cacheLocation } from '../data/cache-location.js';
import { importMarkerPath, writeImportMarker } from '../data/import-marker.js';
import { datasetCacheDir } from '../data/pixel-cache.js';
import { writeImageFolder } from '../data/test-fixtures.js';
import { createDataset, getDataset as getDatasetRow } from '../store/datasets-repo.js';
import { openLabDatabase } from '../store/db.js';
import { getRunRecord, listRunRecords, markRunStarted } from '../store/runs-repository.js';
import { runWorkerEnvMarker } from '../train/process-liveness.js';
import { insertFakeSplit } from '../train/test-support/fake-dataset.js';
import { describeRemoval, importDataset, listDatasets, recoverInterruptedImports, removeDataset } from './datasets.js';
import { LabOperationError, type Lab } from './lab.js';
import { seedDatasetWithRuns } from './test-support/dataset-with-runs.js';

// Dataset removal and interrupted imports on real SQLite files and real folders.

const labs: Lab[] = [];
afterEach(() => {
  for (const lab of labs.splice(0)) {
    lab.db.close();
    rmSync(lab.dataDir, { recursive: true, force: true });
  }
});

function tempLab(): Lab {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddl-lab-datasets-'));
  const lab = { db: openLabDatabase(dataDir), dataDir };
  labs.push(lab);
  return lab;
}

function refusal(work: () => unknown): LabOperationError {
  try {
    work();
  } catch (error) {
    if (error instanceof LabOperationError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

/** A dataset left `importing` with a partial cache and a marker naming `pid`. */
function zombieImport(lab: Lab, pid: number): { id: number; partial: string } {
  const id = createDataset(lab.db, { name: 'half', kind: 'imagefolder', root: '/faces', maxPixels: 1e8 });
  writeImportMarker(lab.dataDir, id);
  writeFileSync(importMarkerPath(lab.dataDir, id), JSON.stringify({ pid, processStart: null, startedAt: 'earlier' }));
  const partial = join(datasetCacheDir(lab.dataDir, id), 'rgb-48.u8.partial');
  writeFileSync(partial, Buffer.alloc(48 * 48 * 3 * 5, 1));
  return { id, partial };
}

describe('removeDataset', () => {
  it('refuses a dataset with runs and evaluations without withRuns, touching nothing', () => {
    const lab = tempLab();
    const seeded = seedDatasetWithRuns(lab);
    const error = refusal(() => removeDataset(lab, seeded.datasetId));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/has 2 runs \(1, 2\) and 1 evaluation; .*--with-runs/);
    expect(getDatasetRow(lab.db, seeded.datasetId)).toBeDefined();
    expect(listRunRecords(lab.db, { datasetId: seeded.datasetId })).toHaveLength(2);
    for (const folder of seeded.runFolders) expect(existsSync(folder)).toBe(true);
  });

  it('with withRuns removes the runs, their evaluations and checkpoint folders, says exactly that, and spares other datasets', () => {
    const lab = tempLab();
    const seeded = seedDatasetWithRuns(lab);
    mkdirSync(datasetCacheDir(lab.dataDir, seeded.datasetId), { recursive: true });
    const removal = removeDataset(lab, seeded.datasetId, { withRuns: true });
    expect(removal).toEqual({
      dataset: { id: seeded.datasetId, name: 'fake', root: '/nonexistent' },
      images: 9,
      splits: 1,
      pairLists: 1,
      runs: seeded.runIds,
      evaluations: 1,
      folders: [datasetCacheDir(lab.dataDir, seeded.datasetId), ...seeded.runFolders],
      interruptedImport: false,
    });
    for (const folder of removal.folders) expect(existsSync(folder)).toBe(false);
    expect(listRunRecords(lab.db, { datasetId: seeded.datasetId })).toEqual([]);
    expect(lab.db.prepare('SELECT COUNT(*) AS n FROM evaluations').get()).toEqual({ n: 0 });
    expect(getDatasetRow(lab.db, seeded.otherDatasetId)).toBeDefined();
    expect(existsSync(seeded.otherRunFolder)).toBe(true);
  });

  it('refuses while one of its runs is running, even with withRuns; a run whose process died does not block', async () => {
    const lab = tempLab();
    const { datasetId, splitId } = insertFakeSplit(lab.db, { identities: 3, easyPerIdentity: 2, hardIdentities: 3 });
    const run = lab.db
      .prepare(
        `INSERT INTO runs (dataset_id, split_id, stage, config, status, seed, total_steps, created_at)
        VALUES (?, ?, 1, '{}', 'queued', 1, 10, ?) RETURNING id`,
      )
      .get(datasetId, splitId, new Date().toISOString()) as { id: number };
    // A live process that says it is this run's worker (the marker its supervisor sets).
    const worker = spawn('sleep', ['60'], { env: { ...process.env, [runWorkerEnvMarker]: String(run.id) } });
    await once(worker, 'spawn');
    try {
      markRunStarted(lab.db, run.id, { pid: worker.pid!, backend: 'cpu' });
      const error = refusal(() => removeDataset(lab, datasetId, { withRuns: true }));
      expect(error.message).toMatch(/has 1 run \(1\) still running; cancel it first \("ddl-lab runs cancel 1"\)/);
    } finally {
      worker.kill('SIGKILL');
    }
    lab.db.prepare('UPDATE runs SET pid = ? WHERE id = ?').run(deadPid(), run.id);
    expect(removeDataset(lab, datasetId, { withRuns: true }).runs).toEqual([run.id]);
    expect(getRunRecord(lab.db, run.id)).toBeUndefined();
  });

  it('refuses while the import is still running in a live process', () => {
    const lab = tempLab();
    const id = createDataset(lab.db, { name: 'busy', kind: 'imagefolder', root: '/faces', maxPixels: 1e8 });
    writeImportMarker(lab.dataDir, id);
    const error = refusal(() => removeDataset(lab, id));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(`is still being imported by process ${process.pid}`);
    expect(listDatasets(lab)[0]!.status).toBe('importing');
  });

  it('removes an import whose process died, with its partial cache', () => {
    const lab = tempLab();
    const { id, partial } = zombieImport(lab, deadPid());
    const removal = removeDataset(lab, id);
    expect(removal).toMatchObject({ interruptedImport: true, folders: [datasetCacheDir(lab.dataDir, id)] });
    expect(existsSync(partial)).toBe(false);
    expect(listDatasets(lab)).toEqual([]);
  });

  it("deletes an imported dataset's pixel cache from the platform's cache folder, and one left inside the data folder or under DDL_LAB_CACHE_DIR", async () => {
    const lab = tempLab();
    const faces = join(lab.dataDir, 'faces');
    await writeImageFolder(faces, { identities: 2, perIdentity: 2 });
    const saved = process.env[cacheDirVariable];
    delete process.env[cacheDirVariable];
    try {
      const first = await importDataset(lab, { root: faces, inputSize: 16 });
      const second = await importDataset(lab, { root: faces, inputSize: 16, name: 'second' });
      const platform = join(cacheLocation(lab.dataDir).dir, `dataset-${first.id}`);
      expect(cacheLocation(lab.dataDir).source).toBe('platform cache folder');
      expect(existsSync(join(platform, 'rgb-16.u8'))).toBe(true);
      expect(platform.startsWith(lab.dataDir)).toBe(false);
      // The same dataset's cache left by other settings: inside the data folder and under DDL_LAB_CACHE_DIR.
      const inside = join(lab.dataDir, 'cache', `dataset-${first.id}`);
      process.env[cacheDirVariable] = join(lab.dataDir, 'elsewhere');
      const underVariable = join(cacheLocation(lab.dataDir).dir, `dataset-${first.id}`);
      for (const folder of [inside, underVariable]) mkdirSync(folder, { recursive: true });
      const removal = removeDataset(lab, first.id);
      expect(removal.folders).toEqual([inside, underVariable, platform]);
      for (const folder of removal.folders) expect(existsSync(folder)).toBe(false);
      expect(describeRemoval(removal)).toContain(`Deleted: ${inside}, ${underVariable}, ${platform}.`);
      delete process.env[cacheDirVariable];
      expect(existsSync(join(datasetCacheDir(lab.dataDir, second.id), 'rgb-16.u8'))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env[cacheDirVariable];
      else process.env[cacheDirVariable] = saved;
    }
  });

  it('answers not_found for an unknown dataset', () => {
    expect(refusal(() => removeDataset(tempLab(), 42)).code).toBe('not_found');
  });
});

describe('interrupted imports', () => {
  it('are shown failed (interrupted) by readers without writing, and recovered for good with their partial files deleted', () => {
    const lab = tempLab();
    const pid = deadPid();
    const { id, partial } = zombieImport(lab, pid);
    const [shown] = listDatasets(lab);
    expect(shown).toMatchObject({ id, status: 'failed' });
    expect(shown!.error).toMatch(
      new RegExp(`^import interrupted: the importing process \\(pid ${pid}, started earlier\\) is gone`),
    );
    expect(getDatasetRow(lab.db, id)!.status).toBe('importing');
    expect(existsSync(partial)).toBe(true);

    const recovered = recoverInterruptedImports(lab);
    expect(recovered.map((d) => [d.id, d.status])).toEqual([[id, 'failed']]);
    expect(getDatasetRow(lab.db, id)!.error).toBe(shown!.error);
    expect(existsSync(partial)).toBe(false);
    expect(existsSync(datasetCacheDir(lab.dataDir, id))).toBe(false);
    expect(recoverInterruptedImports(lab)).toEqual([]);
  });

  it('leave an import whose process still runs alone', () => {
    const lab = tempLab();
    const id = createDataset(lab.db, { name: 'busy', kind: 'imagefolder', root: '/faces', maxPixels: 1e8 });
    writeImportMarker(lab.dataDir, id);
    expect(recoverInterruptedImports(lab)).toEqual([]);
    expect(listDatasets(lab)[0]!.status).toBe('importing');
    expect(existsSync(importMarkerPath(lab.dataDir, id))).toBe(true);
  });
});
