import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { missingElectronBuild, sqliteBindingEnv } from '../../app/store/native-binding.js';

// The desktop app's better-sqlite3: the build for Electron's ABI that scripts/build-sqlite-electron.mjs
// puts in native/electron/ (packaged: unpacked beside app.asar, since an addon cannot load from
// inside it). Used by this process and handed to the run and evaluation utility processes.

/** Where the Electron build lives under the app path (`electron .`: the project; packaged: app.asar). */
export function electronSqliteBindingPath(appPath: string): string {
  const root = appPath.endsWith('app.asar') ? `${appPath}.unpacked` : appPath;
  return join(root, 'native', 'electron', 'better_sqlite3.node');
}

export interface SqliteBindingChoice {
  /** The addon to load; undefined: node_modules/better-sqlite3's own (Node) build. */
  path: string | undefined;
  /** What the utility processes need in their environment to load the same build. */
  workerEnv: Record<string, string>;
}

/**
 * Which build this process uses: under Electron the separate Electron build (a clear error naming
 * the script to run when it is missing), under Node (tests with electron mocked) the default one.
 */
export function chooseSqliteBinding(
  appPath: string,
  versions: Record<string, string | undefined> = process.versions,
  exists: (path: string) => boolean = existsSync,
): SqliteBindingChoice {
  if (!versions.electron) return { path: undefined, workerEnv: {} };
  const path = electronSqliteBindingPath(appPath);
  if (!exists(path)) throw missingElectronBuild(path);
  return { path, workerEnv: { [sqliteBindingEnv]: path } };
}
