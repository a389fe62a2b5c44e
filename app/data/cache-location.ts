import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import envPaths from 'env-paths';

// Where a data folder's pixel caches live. They are derived data (rebuilt from the image files)
// and large, so by default they go to the platform's per-user cache folder (env-paths:
// $XDG_CACHE_HOME/ddl-lab or ~/.cache/ddl-lab on Linux, ~/Library/Caches/ddl-lab on macOS,
// %LOCALAPPDATA%\ddl-lab\Cache on Windows), where backups skip them and cleaners may clear them;
// DDL_LAB_CACHE_DIR (the command line's --cache-dir sets it) names another root. Under either root
// each data folder has its own sub-folder (`<name>-<hash of its path>`), so two data folders never
// share caches. A dataset cache already inside the data folder (`<data folder>/cache/dataset-N`,
// where earlier versions put them) keeps being used where it is: nothing is moved silently.

export const cacheDirVariable = 'DDL_LAB_CACHE_DIR';

export type CacheLocationSource = typeof cacheDirVariable | 'platform cache folder';

export interface CacheLocation {
  /** The folder holding this data folder's new `dataset-N/` caches. */
  dir: string;
  source: CacheLocationSource;
}

/** The platform's per-user cache folder for the lab (the root of every data folder's caches). */
export function platformCacheRoot(): string {
  return envPaths('ddl-lab', { suffix: '' }).cache;
}

/** The sub-folder name of a data folder's caches under a cache root: `<name>-<hash of its path>`. */
export function cacheFolderName(dataDir: string): string {
  const folder = resolve(dataDir);
  const key = createHash('sha1').update(folder).digest('hex').slice(0, 12);
  return `${basename(folder) || 'root'}-${key}`;
}

export function cacheLocation(dataDir: string): CacheLocation {
  const root = process.env[cacheDirVariable];
  if (root) return { dir: join(resolve(root), cacheFolderName(dataDir)), source: cacheDirVariable };
  return { dir: join(platformCacheRoot(), cacheFolderName(dataDir)), source: 'platform cache folder' };
}

/** The caches folder inside a data folder: earlier versions' caches, and a bundle worker's scratch lab. */
export function inDataFolderCacheDir(dataDir: string): string {
  return join(dataDir, 'cache');
}

/** A dataset's cache folder: the one inside the data folder when it exists, else where cacheLocation says. */
export function datasetCacheFolder(dataDir: string, datasetId: number): string {
  const inside = join(inDataFolderCacheDir(dataDir), `dataset-${datasetId}`);
  if (existsSync(inside)) return inside;
  return join(cacheLocation(dataDir).dir, `dataset-${datasetId}`);
}

/**
 * This data folder's cache folders outside it: where cacheLocation says now, and the platform's
 * one too when DDL_LAB_CACHE_DIR points elsewhere (caches written without it), existing or not.
 */
export function outsideCacheDirs(dataDir: string): string[] {
  const now = cacheLocation(dataDir).dir;
  const platform = join(platformCacheRoot(), cacheFolderName(dataDir));
  return now === platform ? [now] : [now, platform];
}

/** Every place a dataset's cache may be (to delete it wherever it is): inside the data folder, then outside. */
export function datasetCacheFolders(dataDir: string, datasetId: number): string[] {
  return [inDataFolderCacheDir(dataDir), ...outsideCacheDirs(dataDir)].map((dir) => join(dir, `dataset-${datasetId}`));
}

/** Creates a dataset's cache folder; one that cannot be made says where caches go and how to move them. */
export function makeCacheFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (!code) throw error;
    throw new Error(
      `Cannot create the pixel cache folder ${folder} (${message}). Make that folder writable, or keep pixel caches elsewhere: --cache-dir DIR on the command line, or the ${cacheDirVariable} environment variable.`,
      { cause: error },
    );
  }
}
