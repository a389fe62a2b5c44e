import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// scripts/build-sqlite-electron.mjs: builds better-sqlite3 for Electron in a copy of the package,
// never touching node_modules' Node build; skips when native/electron is current; and, when the
// build cannot be made (no internet: here a headers URL whose port refuses connections), fails with
// what to do.

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(projectRoot, 'scripts', 'build-sqlite-electron.mjs');
const require = createRequire(import.meta.url);
const nodeBuild = join(
  dirname(require.resolve('better-sqlite3/package.json')),
  'build',
  'Release',
  'better_sqlite3.node',
);

interface Target {
  electron: string;
  addon: string;
  info: string;
}
interface BuildModule {
  sqliteElectronTarget(options: { outDir?: string; electronVersion?: string }): Target;
  isUpToDate(target: Target): boolean;
  buildSqliteForElectron(options: Record<string, unknown>): { ok: boolean; built?: boolean; message?: string };
  toolEnv(env: Record<string, string | undefined>): Record<string, string | undefined>;
}

let build: BuildModule;
let headersUrl: string;
const root = mkdtempSync(join(tmpdir(), 'ddl-sqlite-electron-test-'));

beforeAll(async () => {
  build = (await import(script)) as BuildModule;
  // A port that was free a moment ago: nothing listens there now.
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  headersUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/headers`;
  await new Promise((done) => server.close(done));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const stampOf = (t: Target & { betterSqlite3?: string; platform?: string; arch?: string }) => ({
  electron: t.electron,
  betterSqlite3: t.betterSqlite3,
  platform: t.platform,
  arch: t.arch,
});

describe('build-sqlite-electron', () => {
  it('targets the installed Electron and is up to date only for a build of exactly that one', () => {
    const outDir = join(root, 'stamped');
    const target = build.sqliteElectronTarget({ outDir });
    expect(target.electron).toBe(require('electron/package.json').version);
    expect(build.isUpToDate(target)).toBe(false);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(target.addon, 'addon');
    writeFileSync(target.info, JSON.stringify(stampOf(target)));
    expect(build.isUpToDate(target)).toBe(true);
    expect(build.buildSqliteForElectron({ outDir, log: () => {} })).toMatchObject({ ok: true, built: false });
    // Another Electron version needs another build.
    expect(build.isUpToDate(build.sqliteElectronTarget({ outDir, electronVersion: '44.0.0' }))).toBe(false);
  });

  it('without Electron headers it fails with what to do, writes nothing and leaves the Node build alone', () => {
    const before = statSync(nodeBuild);
    const outDir = join(root, 'offline');
    const result = build.buildSqliteForElectron({
      outDir,
      distUrl: headersUrl,
      prebuilt: false,
      devDir: join(root, 'gyp'),
      force: true,
      log: () => {},
    });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/could not build better-sqlite3 [\d.]+ for Electron [\d.]+/);
    expect(result.message).toContain(headersUrl);
    expect(result.message).toContain('run "npm run build:sqlite-electron" again');
    expect(existsSync(outDir) ? readdirSync(outDir) : []).toEqual([]);
    const after = statSync(nodeBuild);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    // The Node build still opens databases.
    const Database = require('better-sqlite3') as new (file: string) => { close(): void };
    new Database(':memory:').close();
  }, 120_000);

  it('never lets npm settings (nodedir, target) turn it into a build for Node', () => {
    const env = build.toolEnv({
      npm_config_nodedir: '/usr',
      NPM_CONFIG_TARGET: '20.0.0',
      npm_config_cafile: 'ca.pem',
      PATH: '/bin',
    });
    expect(env).toEqual({ npm_config_cafile: 'ca.pem', PATH: '/bin' });
  });

  it('as a command: exit code 1 and the message on stderr', () => {
    const run = spawnSync(process.execPath, [script, '--force', '--no-prebuilt', '--dist-url', headersUrl], {
      encoding: 'utf8',
      env: { ...process.env, HOME: join(root, 'home') },
      timeout: 120_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('npm run build:sqlite-electron');
    expect(run.stderr).toContain(`GET ${headersUrl}/v`);
    expect(existsSync(join(projectRoot, 'native', 'electron', 'better_sqlite3.node'))).toBe(false);
  }, 120_000);
});
