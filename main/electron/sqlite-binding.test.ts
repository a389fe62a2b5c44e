import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteBindingEnv } from '../../app/store/native-binding.js';
import { chooseSqliteBinding, electronSqliteBindingPath } from './sqlite-binding.js';

// Which better-sqlite3 the desktop app's processes load, with real files in a temp app folder.

const root = mkdtempSync(join(tmpdir(), 'ddl-sqlite-binding-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const electron = { node: '22.20.0', electron: '45.3.4' };

describe('chooseSqliteBinding', () => {
  it('under Electron: the separate Electron build, also handed to the utility processes', () => {
    const appPath = join(root, 'project');
    const addon = join(appPath, 'native', 'electron', 'better_sqlite3.node');
    mkdirSync(join(appPath, 'native', 'electron'), { recursive: true });
    writeFileSync(addon, 'addon');
    expect(chooseSqliteBinding(appPath, electron)).toEqual({ path: addon, workerEnv: { [sqliteBindingEnv]: addon } });
  });

  it('under Node (electron mocked in tests): the default build, nothing for the workers', () => {
    expect(chooseSqliteBinding(join(root, 'nowhere'), { node: '20.20.2' })).toEqual({
      path: undefined,
      workerEnv: {},
    });
  });

  it('a missing Electron build stops the app with the command that makes it', () => {
    const appPath = join(root, 'fresh-checkout');
    expect(() => chooseSqliteBinding(appPath, electron)).toThrow(
      `better-sqlite3 has no build for Electron at ${join(appPath, 'native', 'electron', 'better_sqlite3.node')}`,
    );
    expect(() => chooseSqliteBinding(appPath, electron)).toThrow(/Run "npm run build:sqlite-electron"/);
  });

  it('a packaged app loads it unpacked beside app.asar (an addon cannot load from inside the archive)', () => {
    expect(electronSqliteBindingPath('/opt/DDL Lab/resources/app.asar')).toBe(
      '/opt/DDL Lab/resources/app.asar.unpacked/native/electron/better_sqlite3.node',
    );
    expect(electronSqliteBindingPath('/home/me/ddl-lab')).toBe('/home/me/ddl-lab/native/electron/better_sqlite3.node');
  });
});
