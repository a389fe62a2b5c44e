import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Is the process recorded for a run still there, and is it still that run's worker? A pid read
// from the database may have been reused by an unrelated process (after a reboot, or simply
// after many processes): such a pid must count as dead, or the run stays `running` forever.

/** Set in every run worker's environment by its supervisor: how a worker is recognised by pid. */
export const runWorkerEnvMarker = 'DDL_LAB_RUN_ID';

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 checks existence without touching it
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export type WorkerIdentity = 'worker' | 'other' | 'unknown';

/**
 * Whether `pid` is the worker of run `runId` (any run worker when `runId` is left out).
 * - Linux: /proc/<pid>/cmdline (`run-worker … --run ID`, as fork starts it) or /proc/<pid>/environ
 *   (the marker, which also covers Electron's utilityProcess, whose command line is Electron's).
 * - macOS: the command line from `ps` (no environment there); an Electron utility process is
 *   taken for a worker, since its command line cannot name the run.
 * - Windows and the rest: 'unknown' (reading another process's command line needs WMI, far too
 *   slow here); callers then trust the pid, as before: such a run stays `running` until cancelled.
 */
export function identifyRunWorker(pid: number, runId?: number): WorkerIdentity {
  if (!isProcessAlive(pid)) return 'other';
  if (process.platform === 'linux') return identifyOnLinux(pid, runId);
  if (process.platform === 'darwin') return identifyByCommandLine(psCommandLine(pid), runId, true);
  return 'unknown';
}

function identifyOnLinux(pid: number, runId: number | undefined): WorkerIdentity {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return isProcessAlive(pid) ? 'unknown' : 'other';
  }
  if (identifyByCommandLine(args, runId, false) === 'worker') return 'worker';
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const marker = environ.find((v) => v.startsWith(`${runWorkerEnvMarker}=`));
    if (marker) return runId === undefined || marker === `${runWorkerEnvMarker}=${runId}` ? 'worker' : 'other';
    return 'other';
  } catch {
    // Another user's process (EACCES): its command line already said it is no worker of ours.
    return 'other';
  }
}

function identifyByCommandLine(args: string[] | undefined, runId: number | undefined, utilityIsWorker: boolean) {
  if (!args) return 'unknown';
  const joined = args.join(' ');
  if (/run-worker\.(ts|js|cjs|mjs)\b/.test(joined)) {
    if (runId === undefined) return 'worker';
    const i = args.indexOf('--run');
    return i >= 0 && args[i + 1] === String(runId) ? 'worker' : 'other';
  }
  if (utilityIsWorker && joined.includes('--type=utility')) return 'worker';
  return 'other';
}

function psCommandLine(pid: number): string[] | undefined {
  try {
    const line = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', timeout: 5000 });
    return line.trim().split(/\s+/);
  } catch {
    return undefined;
  }
}

/**
 * The run's process is alive and, as far as this platform can tell, is that run's worker. Used
 * both to recover runs (a reused pid counts as dead) and before a forced kill (never kill a
 * process that is not a worker).
 */
export function isRunWorkerAlive(pid: number, runId?: number): boolean {
  return identifyRunWorker(pid, runId) !== 'other';
}
