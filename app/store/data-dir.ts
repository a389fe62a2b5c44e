import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

// Where the lab keeps its database, caches and checkpoints when no --data-dir is given.
// Electron passes its userData folder instead.
export function defaultDataDir(): string {
  const fromEnv = process.env.DDL_LAB_DATA_DIR;
  return fromEnv ? resolve(fromEnv) : join(homedir(), '.ddl-lab');
}
