import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of the files under `path`, sub-folders included; 0 when it is missing. Entries removed while it looks count as 0. */
export function folderBytes(path: string): number {
  let names: string[];
  try {
    names = readdirSync(path);
  } catch {
    return 0;
  }
  let total = 0;
  for (const name of names) {
    const full = join(path, name);
    try {
      const stat = statSync(full);
      total += stat.isDirectory() ? folderBytes(full) : stat.isFile() ? stat.size : 0;
    } catch {
      // removed while we looked: it no longer takes space
    }
  }
  return total;
}
