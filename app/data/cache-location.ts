import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

// Where a data folder's pixel caches live. By default inside it (`<data folder>/cache/`); with
// DDL_LAB_CACHE_DIR (the command line's --cache-dir sets it) in that folder instead, one
// sub-folder per data folder (`<name>-<hash of its path>`), so caches can sit on another disk
// and be moved or cleared separately. A dataset cache already inside the data folder keeps
// being used where it is: nothing is moved silently.

export const cacheDirVariable = 'DDL_LAB_CACHE_DIR';

export interface CacheLocation {
  /** The folder holding this data folder's `dataset-N/` caches. */
  dir: string;
  source: 'DDL_LAB_CACHE_DIR' | 'data folder';
}

export function cacheLocation(dataDir: string): CacheLocation {
  const root = process.env[cacheDirVariable];
  if (!root) return { dir: join(dataDir, 'cache'), source: 'data folder' };
  const folder = resolve(dataDir);
  const key = createHash('sha1').update(folder).digest('hex').slice(0, 12);
  return { dir: join(resolve(root), `${basename(folder) || 'root'}-${key}`), source: cacheDirVariable };
}

/** A dataset's cache folder: the one inside the data folder when it exists, else where cacheLocation says. */
export function datasetCacheFolder(dataDir: string, datasetId: number): string {
  const inside = join(dataDir, 'cache', `dataset-${datasetId}`);
  if (existsSync(inside)) return inside;
  return join(cacheLocation(dataDir).dir, `dataset-${datasetId}`);
}
