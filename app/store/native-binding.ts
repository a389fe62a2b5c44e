import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

// Which compiled better-sqlite3 this process loads. Node (the CLI, `ddl-lab serve`, the tests and
// the processes they fork) uses node_modules/better-sqlite3's own build. Electron has another
// native ABI, so the desktop app loads a separate build made for it (scripts/build-sqlite-electron.mjs):
// the Electron main chooses it and passes it to its utility processes in the environment.

/** The environment variable that names the Electron build for a worker started by the Electron main. */
export const sqliteBindingEnv = 'DDL_LAB_SQLITE_BINDING';

/** What to run when the Electron build is missing. */
export const sqliteElectronBuildCommand = 'npm run build:sqlite-electron';

let binding: string | undefined;

/** Every database this process opens from now on loads this compiled addon (undefined: the default build). */
export function setNativeBinding(path: string | undefined): void {
  if (path !== undefined && !existsSync(path)) throw missingElectronBuild(path);
  binding = path;
}

/** The addon set by setNativeBinding, if any. */
export function nativeBinding(): string | undefined {
  return binding;
}

export function missingElectronBuild(path: string): Error {
  return new Error(
    `better-sqlite3 has no build for Electron at ${path}, so the desktop app cannot open its database. ` +
      `Run "${sqliteElectronBuildCommand}" (npm start and packaging run it; it needs the internet once, for Electron's headers).`,
  );
}

/**
 * A worker's binding: the Electron build its parent named in `env` when the worker itself runs
 * under Electron (a utility process); under Node always the default build, even if the variable is
 * set (a Node process cannot load an addon built for Electron).
 */
export function workerNativeBinding(
  env: Record<string, string | undefined> = process.env,
  versions: Record<string, string | undefined> = process.versions,
): string | undefined {
  if (!versions.electron) return undefined;
  const path = env[sqliteBindingEnv];
  return path ? path : undefined;
}

/** Opens a better-sqlite3 connection with the addon this process uses (every open goes through here). */
export function connectDatabase(file: string, options: Database.Options = {}): Database.Database {
  return new Database(file, binding ? { ...options, nativeBinding: binding } : options);
}
