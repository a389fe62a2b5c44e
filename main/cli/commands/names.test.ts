import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../app/lab/lab.js';
import { seedDatasetWithRuns, type SeededDataset } from '../../../app/lab/test-support/dataset-with-runs.js';
import { openLabDatabase } from '../../../app/store/db.js';
import { renameRun } from '../../../app/store/runs-repository.js';

// DATASET, RUN and SPLIT given by name to the real `ddl-lab` commands on a real lab folder.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const exec = promisify(execFile);
let dataDir: string;
let seeded: SeededDataset;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ddl-cli-names-'));
  const lab: Lab = { db: openLabDatabase(dataDir), dataDir };
  seeded = seedDatasetWithRuns(lab);
  lab.db.prepare("UPDATE datasets SET name = 'pose-faces' WHERE id = ?").run(seeded.datasetId);
  renameRun(lab.db, seeded.runIds[0]!, 'baseline');
  renameRun(lab.db, seeded.runIds[1]!, 'twin');
  const third = (
    lab.db.prepare('SELECT id FROM runs WHERE dataset_id = ?').get(seeded.otherDatasetId) as { id: number }
  ).id;
  renameRun(lab.db, third, 'twin');
  lab.db.close();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['bin/ddl-lab.js', ...args, '--data-dir', dataDir], {
      cwd: root,
      encoding: 'utf8',
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('names wherever ids are', () => {
  it('runs, datasets and splits are found by name; ambiguous and unknown names are explained', async () => {
    const [show, listed, dataset, splits, split, twin, typo, train, evalTypo] = await Promise.all([
      cli('runs', 'show', 'baseline', '--json'),
      cli('runs', 'list', '--dataset', 'pose-faces', '--json'),
      cli('dataset', 'show', 'pose-faces', '--json'),
      cli('split', 'list', 'pose-faces', '--json'),
      cli('split', 'show', 'pose-faces', 'fake split', '--json'),
      cli('runs', 'delete', 'twin'),
      cli('runs', 'show', 'baselin'),
      cli('train', '--dataset', 'pose-face', '--split', 'x', '--config', 'none.json'),
      cli('eval', 'baselnie', '--pairs', '1'),
    ]);
    expect(show.stderr).toBe('');
    expect((JSON.parse(show.stdout) as { run: { id: number; name: string } }).run).toMatchObject({
      id: seeded.runIds[0],
      name: 'baseline',
    });
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { runs: { id: number }[] }).runs.map((r) => r.id).sort()).toEqual(
      [...seeded.runIds].sort(),
    );
    expect(dataset.code).toBe(0);
    expect((JSON.parse(dataset.stdout) as { id: number }).id).toBe(seeded.datasetId);
    expect(splits.code).toBe(0);
    expect((JSON.parse(splits.stdout) as { datasetId: number }[]).map((s) => s.datasetId)).toEqual([seeded.datasetId]);
    expect(split.stderr).toBe('');
    expect((JSON.parse(split.stdout) as { datasetId: number; name: string }).datasetId).toBe(seeded.datasetId);

    // An ambiguous name removes nothing and lists the ids; an unknown one lists close names.
    expect(twin.code).toBe(1);
    expect(twin.stderr).toContain(`2 runs are named "twin"`);
    expect(twin.stderr).toMatch(/\(ids \d+, \d+\); give the id instead\./);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(`ddl-lab runs: no run named "baselin" in ${dataDir}. Close names: "baseline".`);
    expect(train.code).toBe(2);
    expect(train.stderr).toContain(`no dataset named "pose-face" in ${dataDir}. Close names: "pose-faces".`);
    expect(evalTypo.code).toBe(1);
    expect(evalTypo.stderr).toContain(`no run named "baselnie" in ${dataDir}. Close names: "baseline".`);

    const stillThere = await cli('runs', 'list', '--json');
    expect((JSON.parse(stillThere.stdout) as { runs: unknown[] }).runs).toHaveLength(3);
  }, 120_000);
});
