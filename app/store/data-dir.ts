import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import envPaths from 'env-paths';

// Where the lab keeps its database, caches and checkpoints when no --data-dir is given: the
// platform's per-user data folder (env-paths: ~/.local/share/ddl-lab or $XDG_DATA_HOME/ddl-lab on
// Linux, ~/Library/Application Support/ddl-lab on macOS, %LOCALAPPDATA%\ddl-lab\Data on Windows),
// the same for the desktop app and the command line, so runs trained from either show in both.
// DDL_LAB_DATA_DIR overrides it. Earlier versions used ~/.ddl-lab: while that folder exists and
// the new one does not, it stays the default (nothing is moved), and `note` says so.

export type DataDirSource = 'env' | 'platform' | 'legacy';

export interface DataDirChoice {
  dir: string;
  source: DataDirSource;
  /** Why an unusual folder was chosen (the legacy one), for the user; null otherwise. */
  note: string | null;
}

/** The folder earlier versions used. */
export function legacyDataDir(): string {
  return join(homedir(), '.ddl-lab');
}

/** The platform's per-user data folder for the lab. */
export function platformDataDir(): string {
  return envPaths('ddl-lab', { suffix: '' }).data;
}

export function chooseDataDir(): DataDirChoice {
  const fromEnv = process.env.DDL_LAB_DATA_DIR;
  if (fromEnv) return { dir: resolve(fromEnv), source: 'env', note: null };
  const platform = platformDataDir();
  const legacy = legacyDataDir();
  if (!existsSync(platform) && existsSync(legacy))
    return {
      dir: legacy,
      source: 'legacy',
      note: `using the data folder ${legacy} of an earlier version; the default is now ${platform}. Move the folder there (with nothing running) to switch, or keep it: it is used while ${platform} does not exist.`,
    };
  return { dir: platform, source: 'platform', note: null };
}

export function defaultDataDir(): string {
  return chooseDataDir().dir;
}
