import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The default data folder, as the real `ddl-lab` chooses it in a child process with its own HOME:
// the platform's per-user data folder (here Linux's XDG rule), DDL_LAB_DATA_DIR over it, and the
// ~/.ddl-lab of an earlier version kept (and announced) while the new folder does not exist.

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'ddl-default-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function check(home: string, extra: Record<string, string> = {}) {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), HOME: home, ...extra };
  for (const name of ['DDL_LAB_DATA_DIR', 'XDG_DATA_HOME', 'DDL_LAB_CACHE_DIR', 'XDG_CACHE_HOME'])
    if (!(name in extra)) delete env[name];
  const json = spawnSync(process.execPath, ['bin/ddl-lab.js', 'lab', 'check', '--json'], {
    cwd: repo,
    env,
    encoding: 'utf8',
  });
  const text = spawnSync(process.execPath, ['bin/ddl-lab.js', 'lab', 'check'], { cwd: repo, env, encoding: 'utf8' });
  expect(json.status, json.stderr).toBe(0);
  return {
    ...(JSON.parse(json.stdout) as {
      dataDir: string;
      dataDirSource: string;
      dataDirNote: string | null;
      cacheDir: string;
      cacheDirSource: string;
    }),
    text,
  };
}

describe.skipIf(process.platform !== 'linux')('the default data folder (Linux rules)', () => {
  it('is ~/.local/share/ddl-lab, or $XDG_DATA_HOME/ddl-lab; DDL_LAB_DATA_DIR wins', () => {
    const home = join(root, 'fresh');
    mkdirSync(home);
    expect(check(home)).toMatchObject({
      dataDir: join(home, '.local', 'share', 'ddl-lab'),
      dataDirSource: 'platform',
      dataDirNote: null,
    });
    expect(check(home, { XDG_DATA_HOME: join(root, 'xdg') })).toMatchObject({ dataDir: join(root, 'xdg', 'ddl-lab') });
    expect(check(home, { DDL_LAB_DATA_DIR: join(root, 'mine') })).toMatchObject({
      dataDir: join(root, 'mine'),
      dataDirSource: 'env',
    });
    const flag = spawnSync(process.execPath, ['bin/ddl-lab.js', 'lab', 'check', '--data-dir', join(root, 'flag')], {
      cwd: repo,
      env: { ...process.env, HOME: home },
      encoding: 'utf8',
    });
    expect(flag.stdout).toContain(`Data folder: ${join(root, 'flag')} (--data-dir).`);
    expect(existsSync(join(home, '.local'))).toBe(false); // checking creates nothing
  });

  it('keeps pixel caches in ~/.cache/ddl-lab/<data folder name>-<hash>, or under $XDG_CACHE_HOME; DDL_LAB_CACHE_DIR wins', () => {
    const home = join(root, 'caches');
    mkdirSync(home);
    const fresh = check(home);
    expect(fresh.cacheDirSource).toBe('platform cache folder');
    expect(fresh.cacheDir).toMatch(new RegExp(`^${join(home, '.cache', 'ddl-lab', 'ddl-lab-')}[0-9a-f]{12}$`));
    expect(fresh.text.stdout).toContain(`Pixel caches: ${fresh.cacheDir} (the platform's per-user cache folder;`);
    const xdg = check(home, { XDG_CACHE_HOME: join(root, 'xdg-cache') });
    expect(xdg.cacheDir).toBe(join(root, 'xdg-cache', 'ddl-lab', basename(fresh.cacheDir)));
    expect(check(home, { DDL_LAB_CACHE_DIR: join(root, 'fast-disk') })).toMatchObject({
      cacheDir: join(root, 'fast-disk', basename(fresh.cacheDir)),
      cacheDirSource: 'DDL_LAB_CACHE_DIR',
    });
    expect(existsSync(join(home, '.cache'))).toBe(false); // checking creates nothing
  });

  it('keeps using ~/.ddl-lab of an earlier version, saying so, until the new folder exists', () => {
    const home = join(root, 'upgraded');
    mkdirSync(join(home, '.ddl-lab'), { recursive: true });
    const old = check(home);
    expect(old).toMatchObject({ dataDir: join(home, '.ddl-lab'), dataDirSource: 'legacy' });
    expect(old.dataDirNote).toContain(`the default is now ${join(home, '.local', 'share', 'ddl-lab')}`);
    expect(old.text.stderr).toContain(`ddl-lab: using the data folder ${join(home, '.ddl-lab')} of an earlier version`);
    expect(old.text.stdout).toContain('(the folder of an earlier version)');
    mkdirSync(join(home, '.local', 'share', 'ddl-lab'), { recursive: true });
    expect(check(home)).toMatchObject({ dataDir: join(home, '.local', 'share', 'ddl-lab'), dataDirSource: 'platform' });
    expect(existsSync(join(home, '.ddl-lab'))).toBe(true); // nothing moved or deleted
  });
});
