import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheLocation } from '../../../app/data/cache-location.js';
import { openLabDatabase } from '../../../app/lab/lab.js';
import { seedDatasetWithRuns } from '../../../app/lab/test-support/dataset-with-runs.js';
import { killImportMidway, writeImportableFaces } from '../../../app/lab/test-support/interrupted-import.js';

// `ddl-lab dataset list|remove` after a real import process was killed with SIGKILL, and removal
// of a dataset that has runs: the real command line, real child processes, real folders.
const root = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;

function cli(dataDir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/ddl-lab.js', ...args, '--data-dir', dataDir], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cli-remove-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ddl-lab dataset remove', () => {
  it('a killed import lists as failed (interrupted); remove deletes it and its partial cache', async () => {
    const dataDir = join(dir, 'killed');
    const faces = await writeImportableFaces(join(dir, 'faces'));
    const killed = await killImportMidway(faces, dataDir);
    expect(killed.partialBytes).toBeGreaterThan(0);

    const listed = cli(dataDir, 'dataset', 'list', '--json');
    expect(listed.code).toBe(0);
    const [dataset] = JSON.parse(listed.stdout);
    expect(dataset).toMatchObject({ id: 1, status: 'failed', root: faces });
    expect(dataset.error).toMatch(new RegExp(`^import interrupted: the importing process \\(pid ${killed.pid}, `));
    expect(cli(dataDir, 'dataset', 'list').stdout).toMatch(/^1\tfaces\tsynth\tfailed\t/);
    expect(cli(dataDir, 'dataset', 'show', '1').stdout).toMatch(/\(synth, failed\).*\nError: import interrupted: /);

    const removed = cli(dataDir, 'dataset', 'remove', '1');
    expect(removed.stderr).toBe('');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('Removed dataset 1 "faces" (an interrupted import)');
    // Its cache folder (in the platform's cache folder, where the killed import was writing).
    const cacheFolder = dirname(killed.partial);
    expect(cacheFolder).toBe(join(cacheLocation(dataDir).dir, 'dataset-1'));
    expect(removed.stdout).toContain(`Deleted: ${cacheFolder}.`);
    expect(removed.stdout).toContain(`Its files in ${faces} are untouched.`);
    expect(existsSync(killed.partial)).toBe(false);
    expect(existsSync(cacheFolder)).toBe(false);
    expect(existsSync(join(faces, 'synthfaces.json'))).toBe(true);
    expect(JSON.parse(cli(dataDir, 'dataset', 'list', '--json').stdout)).toEqual([]);
  });

  it('refuses a dataset with runs unless --with-runs, which also deletes their checkpoint folders and says so', () => {
    const dataDir = join(dir, 'runs');
    const db = openLabDatabase(dataDir);
    const seeded = seedDatasetWithRuns({ db, dataDir });
    db.close();

    const refused = cli(dataDir, 'dataset', 'remove', String(seeded.datasetId));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/has 2 runs \(1, 2\) and 1 evaluation; .*--with-runs/);
    for (const folder of seeded.runFolders) expect(existsSync(folder)).toBe(true);
    expect(JSON.parse(cli(dataDir, 'runs', 'list', '--json').stdout).runs).toHaveLength(3);

    const removed = cli(dataDir, 'dataset', 'remove', String(seeded.datasetId), '--with-runs', '--json');
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({
      dataset: { id: seeded.datasetId },
      runs: seeded.runIds,
      evaluations: 1,
      folders: seeded.runFolders,
    });
    for (const folder of seeded.runFolders) expect(existsSync(folder)).toBe(false);
    expect(existsSync(seeded.otherRunFolder)).toBe(true);
    const left = JSON.parse(cli(dataDir, 'runs', 'list', '--json').stdout).runs as Array<{ datasetId: number }>;
    expect(left.map((r) => r.datasetId)).toEqual([seeded.otherDatasetId]);
  });
});
