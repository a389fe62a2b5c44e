import { closeSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Writing an export: to a temporary name beside the file, renamed over it when complete, so a
// failed or interrupted write never leaves a half file under the real name.

/** `data` (text, bytes, or lines written one at a time so a large export need not be one string) as `file`. */
export function writeFileWhole(file: string, data: string | Uint8Array | Iterable<string>): void {
  if (isDirectory(file)) throw new Error(`${file} is a folder; give a file name`);
  const temporary = join(dirname(file), `.${process.pid}.partial`);
  try {
    const fd = openSync(temporary, 'w');
    try {
      // On a descriptor, writeFileSync writes everything at the current position (writeSync may write part).
      if (typeof data === 'string' || data instanceof Uint8Array) writeFileSync(fd, data);
      else for (const chunk of data) writeFileSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
