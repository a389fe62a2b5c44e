import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// electron-builder.yml as electron-builder reads it: the Electron fuses that close the ways to run
// other code in the packaged app, the Electron build of better-sqlite3 shipped unpacked, and the
// beforeBuild hook that makes it instead of rebuilding node_modules in place.

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(join(projectRoot, 'electron-builder.yml'), 'utf8')) as Record<string, any>;

/** The fuse names app-builder-lib knows (its FuseOptionsV1 type), so a misspelt fuse fails here. */
function knownFuses(): string[] {
  const types = readFileSync(
    join(dirname(require.resolve('app-builder-lib/package.json')), 'out', 'configuration.d.ts'),
    'utf8',
  );
  const body = types.slice(types.indexOf('export interface FuseOptionsV1 {'));
  return [...body.slice(0, body.indexOf('\n}')).matchAll(/^\s{4}(\w+)\?:/gm)].map((m) => m[1]!);
}

describe('electron-builder configuration', () => {
  it('sets the Electron fuses: no run-as-node, NODE_OPTIONS or --inspect; the app only from a validated asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    const known = knownFuses();
    expect(known).toContain('runAsNode');
    for (const fuse of Object.keys(config.electronFuses)) expect(known, fuse).toContain(fuse);
  });

  it('packs the bundles and the Electron build of better-sqlite3, the addon unpacked beside app.asar', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/**/*', 'native/electron/**/*']));
    expect(config.asarUnpack).toContain('native/**');
  });

  it('unpacks what dlopen must read from disk: koffi and libturbojpeg for the JPEG fast path', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['**/node_modules/koffi/**', '**/node_modules/@julusian/jpeg-turbo/**']),
    );
  });

  it('builds better-sqlite3 for Electron before packaging instead of rebuilding node_modules in place', async () => {
    expect(config.npmRebuild).not.toBe(false); // beforeBuild runs only when electron-builder would rebuild
    // Resolved the way electron-builder resolves hooks (relative to the project, default export).
    const { resolveFunction } = require('app-builder-lib/out/util/resolve.js') as {
      resolveFunction(type: undefined, executor: string, name: string, root: string): Promise<unknown>;
    };
    expect(existsSync(join(projectRoot, config.beforeBuild))).toBe(true);
    const previous = process.cwd();
    process.chdir(projectRoot);
    try {
      expect(typeof (await resolveFunction(undefined, config.beforeBuild, 'beforeBuild', projectRoot))).toBe(
        'function',
      );
    } finally {
      process.chdir(previous);
    }
    const hook = readFileSync(join(projectRoot, config.beforeBuild), 'utf8');
    expect(hook).toContain('buildSqliteForElectron');
    expect(hook).toMatch(/return false;/);
  });

  it('npm start builds better-sqlite3 for Electron before launching it', () => {
    const start = readFileSync(join(projectRoot, 'scripts', 'start-electron.mjs'), 'utf8');
    const sqlite = start.indexOf("'scripts/build-sqlite-electron.mjs'");
    expect(sqlite).toBeGreaterThan(0);
    expect(sqlite).toBeLessThan(start.indexOf('spawn(electron.binary'));
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
    expect(pkg.scripts['build:sqlite-electron']).toBe('node scripts/build-sqlite-electron.mjs');
  });
});
