import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { nativeBinding, setNativeBinding, sqliteBindingEnv, workerNativeBinding } from './native-binding.js';

// Which compiled better-sqlite3 a process loads: Node's own build by default; the addon the
// Electron main names (setNativeBinding) when set; a worker takes it from its environment only when
// it runs under Electron.

const require = createRequire(import.meta.url);
const nodeBuild = join(
  dirname(require.resolve('better-sqlite3/package.json')),
  'build',
  'Release',
  'better_sqlite3.node',
);
const root = mkdtempSync(join(tmpdir(), 'ddl-native-binding-'));

afterEach(() => setNativeBinding(undefined));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('setNativeBinding', () => {
  it('by default opens databases with node_modules/better-sqlite3 (the CLI and the tests)', () => {
    expect(nativeBinding()).toBeUndefined();
    const db = openDatabase(join(root, 'default', 'lab.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('makes openDatabase load the addon it names', () => {
    // A copy of the Node build under another path: loading it shows up in require's cache there.
    const copy = join(root, 'copy', 'better_sqlite3.node');
    rmSync(dirname(copy), { recursive: true, force: true });
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(nodeBuild, copy);
    setNativeBinding(copy);
    const db = openDatabase(join(root, 'copy', 'lab.sqlite'));
    db.close();
    expect(require.cache[copy]).toBeDefined();
  });

  it('an addon that cannot load makes opening fail (the option is really used)', () => {
    const broken = join(root, 'broken.node');
    writeFileSync(broken, 'not an addon');
    setNativeBinding(broken);
    expect(() => openDatabase(join(root, 'broken', 'lab.sqlite'))).toThrow();
  });

  it('refuses a missing Electron build with the command that makes it', () => {
    const missing = join(root, 'native', 'electron', 'better_sqlite3.node');
    expect(() => setNativeBinding(missing)).toThrow(/npm run build:sqlite-electron/);
    expect(() => setNativeBinding(missing)).toThrow(missing);
    expect(nativeBinding()).toBeUndefined();
  });
});

describe('workerNativeBinding', () => {
  const electron = { node: '22.20.0', electron: '45.3.4' };
  const node = { node: '20.20.2' };
  const env = { [sqliteBindingEnv]: '/app/native/electron/better_sqlite3.node' };

  it('a utility process under Electron uses the build its parent named', () => {
    expect(workerNativeBinding(env, electron)).toBe('/app/native/electron/better_sqlite3.node');
  });

  it('a process under Node keeps the default build, even when the variable is set', () => {
    expect(workerNativeBinding(env, node)).toBeUndefined();
    expect(workerNativeBinding({}, node)).toBeUndefined();
  });

  it('under Electron without the variable, the default resolution applies', () => {
    expect(workerNativeBinding({}, electron)).toBeUndefined();
    expect(workerNativeBinding({ [sqliteBindingEnv]: '' }, electron)).toBeUndefined();
  });
});
