import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageFolder } from '../../../app/data/test-fixtures.js';

// `--cache raw|png` on dataset import and the global `--cache-dir`, through the real command line.
const root = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;

function cli(...args: string[]) {
  // The platform's cache folder of these commands: XDG_CACHE_HOME (Linux's rule) in the temp folder.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') };
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
    mkdirSync(join(dir, 'xdg', 'ddl-lab'), { recursive: true });
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
    expect(readdirSync(join(dir, 'xdg', 'ddl-lab'))).toEqual([]); // nothing in the platform folder
    const missing = cli('lab', 'check', '--cache-dir');
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'ddl-lab: --cache-dir needs a folder, got nothing.']);
  });

  it.skipIf(process.platform === 'darwin' || process.platform === 'win32')(
    "puts caches in the platform's cache folder by default; lab check says where and how big; dataset remove deletes them there (XDG rule: Linux only)",
    () => {
      const dataDir = join(dir, 'default');
      const imported = cli('dataset', 'import', join(dir, 'faces'), '--size', '16', '--data-dir', dataDir, '--json');
      expect(imported.code, imported.stderr).toBe(0);
      expect(existsSync(join(dataDir, 'cache'))).toBe(false);
      const check = JSON.parse(cli('lab', 'check', '--data-dir', dataDir, '--json').stdout) as {
        cacheDir: string;
        cacheFolders: { dir: string; where: string; datasets: number[]; bytes: number }[];
      };
      expect(check).toMatchObject({ cacheDirSource: 'platform cache folder' });
      expect(check.cacheDir.startsWith(join(dir, 'xdg', 'ddl-lab', 'default-'))).toBe(true);
      const rows = join(check.cacheDir, 'dataset-1', 'rgb-16.u8');
      expect(existsSync(rows)).toBe(true);
      expect(check.cacheFolders).toEqual([
        { dir: check.cacheDir, where: 'outside', datasets: [1], bytes: expect.any(Number) as number },
      ]);
      // 6 images of 16×16 RGB, plus the manifest.
      expect(check.cacheFolders[0]!.bytes).toBeGreaterThan(6 * 16 * 16 * 3);
      const text = cli('lab', 'check', '--data-dir', dataDir);
      expect(text.stdout).toContain(`Pixel caches: ${check.cacheDir} (the platform's per-user cache folder;`);
      expect(text.stdout).toContain(
        `  ${check.cacheDir}: dataset 1, ${(check.cacheFolders[0]!.bytes / 1e6).toFixed(1)} MB.`,
      );

      const removed = cli('dataset', 'remove', '1', '--data-dir', dataDir);
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stdout).toContain(`Deleted: ${join(check.cacheDir, 'dataset-1')}.`);
      expect(existsSync(join(check.cacheDir, 'dataset-1'))).toBe(false);
      expect(JSON.parse(cli('lab', 'check', '--data-dir', dataDir, '--json').stdout)).toMatchObject({
        cacheFolders: [],
      });
    },
  );

  it.skipIf(process.platform === 'darwin' || process.platform === 'win32')(
    'lab reset of a lab whose database is gone renames its pixel cache folder aside, saying so (XDG rule: Linux only)',
    () => {
      const dataDir = join(dir, 'lost');
      const imported = cli('dataset', 'import', join(dir, 'faces'), '--size', '16', '--data-dir', dataDir, '--json');
      expect(imported.code, imported.stderr).toBe(0);
      const caches = (JSON.parse(cli('lab', 'check', '--data-dir', dataDir, '--json').stdout) as { cacheDir: string })
        .cacheDir;
      mkdirSync(join(dataDir, 'runs', '1'), { recursive: true });
      writeFileSync(join(dataDir, 'runs', '1', 'worker.log'), 'an old run');
      rmSync(join(dataDir, 'lab.sqlite'));

      const dry = cli('lab', 'reset', '--data-dir', dataDir);
      expect(dry.code).toBe(1);
      expect(dry.stdout).toContain(
        `runs from ${dataDir} into a new folder ${dataDir}/reset-<time>/ and rename the pixel cache folder ${caches} to ${caches}-reset-<time>. Nothing moved; add --yes to do it.`,
      );
      expect(existsSync(join(caches, 'dataset-1', 'rgb-16.u8'))).toBe(true);

      const reset = cli('lab', 'reset', '--data-dir', dataDir, '--yes');
      expect(reset.code, reset.stderr).toBe(0);
      const renamed = new RegExp(`and its pixel caches to (${caches}-reset-\\S+) \\(nothing was deleted\\)`).exec(
        reset.stdout,
      )?.[1];
      expect(renamed, reset.stdout).toBeDefined();
      expect(existsSync(join(renamed!, 'dataset-1', 'rgb-16.u8'))).toBe(true);
      expect(existsSync(caches)).toBe(false);
    },
  );
});
