import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { labIpcMethodChannel } from '../../app/api/contract/index.js';

vi.mock('electron', () => import('./test-support/fake-electron.js'));

// The Electron main as if it ran under Electron (process.versions.electron set, electron mocked):
// it opens the lab database with native/electron's build, and refuses to start, saying which
// command makes it, when that build is missing.

const require = createRequire(import.meta.url);
const nodeBuild = join(
  dirname(require.resolve('better-sqlite3/package.json')),
  'build',
  'Release',
  'better_sqlite3.node',
);
const root = mkdtempSync(join(tmpdir(), 'ddl-lab-electron-sqlite-'));

/** A fresh main process: new module instances of main, the fake electron and the binding choice. */
async function startMain() {
  vi.resetModules();
  const { recorded } = await import('./test-support/fake-electron.js');
  recorded.reset();
  await import('./main.js');
  return { recorded, binding: await import('../../app/store/native-binding.js') };
}

beforeEach(() => {
  Object.defineProperty(process.versions, 'electron', { value: '45.3.4', configurable: true, enumerable: true });
});
afterEach(() => {
  delete (process.versions as Record<string, string | undefined>).electron;
  vi.restoreAllMocks();
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  delete process.env.DDL_LAB_DATA_DIR;
});

describe('Electron main: better-sqlite3 for Electron', () => {
  it('opens the lab database with the Electron build in native/electron', async () => {
    // Stands in for the Electron build: this test runs under Node, so it is Node's build copied there.
    const appPath = join(root, 'app');
    const addon = join(appPath, 'native', 'electron', 'better_sqlite3.node');
    mkdirSync(dirname(addon), { recursive: true });
    copyFileSync(nodeBuild, addon);
    process.env.FAKE_ELECTRON_APP_PATH = appPath;
    process.env.FAKE_ELECTRON_USER_DATA = join(root, 'user-data');
    process.env.DDL_LAB_DATA_DIR = join(root, 'lab-data'); // the lab's folder, never the user's real one
    const { recorded, binding } = await startMain();
    await vi.waitFor(() => expect(recorded.windows).toHaveLength(1));
    expect(binding.nativeBinding()).toBe(addon);
    // A call that opens the database works, and loaded the addon from there.
    const listed = await recorded.ipcHandlers.get(labIpcMethodChannel('runs.list'))!(
      { senderFrame: { url: 'lab-app://renderer/index.html' } },
      {},
    );
    expect(listed).toMatchObject({ ok: true, result: { runs: [] } });
    expect(require.cache[addon]).toBeDefined();
  });

  it('without it, does not start and says which command builds it', async () => {
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    process.env.FAKE_ELECTRON_APP_PATH = join(root, 'fresh-checkout');
    const { recorded, binding } = await startMain();
    await vi.waitFor(() => expect(errors.join('')).toContain('DDL Lab could not start'));
    expect(errors.join('')).toContain('better-sqlite3 has no build for Electron at');
    expect(errors.join('')).toContain('npm run build:sqlite-electron');
    expect(recorded.windows).toHaveLength(0);
    expect(binding.nativeBinding()).toBeUndefined();
  });
});
