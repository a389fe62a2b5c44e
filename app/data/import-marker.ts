import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeCacheFolder } from './cache-location.js';
import { datasetCacheDir } from './pixel-cache.js';

// Who is importing a dataset: a small JSON file in the dataset's cache folder, written in the same
// transaction that records the dataset as `importing` and removed once its final status is stored.
// A dataset still `importing` whose marker is missing or names a process that is gone was
// interrupted (kill -9, a crash, a power cut): nothing will ever finish it.

export interface ImportMarker {
  pid: number;
  /** The process's start time as the OS reports it (Linux: clock ticks since boot), to tell a reused pid; null elsewhere. */
  processStart: string | null;
  startedAt: string;
}

export type ImporterState = { alive: true; marker: ImportMarker } | { alive: false; marker: ImportMarker | null };

export function importMarkerPath(dataDir: string, datasetId: number): string {
  return join(datasetCacheDir(dataDir, datasetId), 'import.json');
}

export function writeImportMarker(dataDir: string, datasetId: number): void {
  const file = importMarkerPath(dataDir, datasetId);
  makeCacheFolder(dirname(file));
  const marker: ImportMarker = {
    pid: process.pid,
    processStart: processStartOf(process.pid),
    startedAt: new Date().toISOString(),
  };
  writeFileSync(`${file}.tmp`, JSON.stringify(marker));
  renameSync(`${file}.tmp`, file);
}

export function removeImportMarker(dataDir: string, datasetId: number): void {
  rmSync(importMarkerPath(dataDir, datasetId), { force: true });
}

export function readImportMarker(dataDir: string, datasetId: number): ImportMarker | null {
  try {
    const parsed = JSON.parse(readFileSync(importMarkerPath(dataDir, datasetId), 'utf8')) as Partial<ImportMarker>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return null;
    return {
      pid: parsed.pid,
      processStart: typeof parsed.processStart === 'string' ? parsed.processStart : null,
      startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : '',
    };
  } catch {
    return null;
  }
}

/** Is the process that started this dataset's import still running it? */
export function importerState(dataDir: string, datasetId: number): ImporterState {
  const marker = readImportMarker(dataDir, datasetId);
  if (!marker || !isRunning(marker.pid)) return { alive: false, marker };
  // Same pid, other start time: the importer died and the OS gave its pid to another process.
  const start = processStartOf(marker.pid);
  if (marker.processStart !== null && start !== null && start !== marker.processStart) return { alive: false, marker };
  return { alive: true, marker };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Field 22 of /proc/PID/stat (start time); the command name before it may hold spaces and parentheses. */
function processStartOf(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
