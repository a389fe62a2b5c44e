import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { folderBytes } from '../util/folder-bytes.js';
import { inDataFolderCacheDir, outsideCacheDirs } from './cache-location.js';

// Where a data folder's pixel caches are and how much disk they take, for `ddl-lab lab check`:
// the folder inside the data folder (earlier versions' caches) and the ones outside it.

export interface CacheFolderUsage {
  dir: string;
  /** `data folder`: inside it, where earlier versions put caches; `outside`: the cache folder. */
  where: 'data folder' | 'outside';
  /** Ids of the datasets with a cache folder there. */
  datasets: number[];
  bytes: number;
}

/** Every cache folder of `dataDir` that holds dataset caches, with their datasets and size. */
export function cacheUsage(dataDir: string): CacheFolderUsage[] {
  const folders: CacheFolderUsage[] = [];
  const candidates = [
    { dir: inDataFolderCacheDir(dataDir), where: 'data folder' as const },
    ...outsideCacheDirs(dataDir).map((dir) => ({ dir, where: 'outside' as const })),
  ];
  for (const { dir, where } of candidates) {
    const datasets = listNames(dir)
      .map((name) => /^dataset-(\d+)$/.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    if (datasets.length === 0) continue;
    const bytes = datasets.reduce((sum, id) => sum + folderBytes(join(dir, `dataset-${id}`)), 0);
    folders.push({ dir, where, datasets, bytes });
  }
  return folders;
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
