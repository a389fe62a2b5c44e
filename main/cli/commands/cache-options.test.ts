import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageFolder } from '../../../app/data/test-fixtures.js';

// `--cache raw|png` on dataset import and the global `--cache-dir`, through the real command line.
const root = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;

function cli(...args: string[]) {
  const env = { ...process.env };
  delete env.DDL_LAB_CACHE_DIR;
  const result = spawnSync(process.execPath, ['bin/ddl-lab.js', ...args], { cwd: root, encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cli-cache-'));
  await writeImageFolder(join(dir, 'faces'), { identities: 2, perIdentity: 3 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ddl-lab cache options', () => {
  it('refuses an unknown --cache format naming it, and writes nothing', () => {
    const dataDir = join(dir, 'refused');
    const { code, stderr } = cli('dataset', 'import', join(dir, 'faces'), '--cache', 'jpeg', '--data-dir', dataDir);
    expect(code).toBe(2);
    expect(stderr).toContain('--cache must be one of raw, png, got "jpeg"');
    expect(existsSync(join(dataDir, 'lab.sqlite'))).toBe(false);
  });

  it('imports with --cache png into --cache-dir, and lab check shows where the caches are', () => {
    const dataDir = join(dir, 'lab');
    const caches = join(dir, 'caches');
    const imported = cli(
      'dataset',
      'import',
      join(dir, 'faces'),
      '--cache',
      'png',
      '--size',
      '16',
      '--cache-dir',
      caches,
      '--data-dir',
      dataDir,
      '--json',
    );
    expect(imported.code, imported.stderr).toBe(0);
    const [folder] = readdirSync(caches);
    expect(readdirSync(join(caches, folder!, 'dataset-1')).sort()).toEqual(['png-16.bin', 'png-16.idx', 'png-16.json']);
    expect(existsSync(join(dataDir, 'cache'))).toBe(false);
    const check = cli('lab', 'check', '--data-dir', dataDir, '--cache-dir', caches, '--json');
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({
      cacheDir: join(caches, folder!),
      cacheDirSource: 'DDL_LAB_CACHE_DIR',
    });
    const missing = cli('lab', 'check', '--cache-dir');
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'ddl-lab: --cache-dir needs a folder, got nothing.']);
  });
});
