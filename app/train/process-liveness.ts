import { readFileSync } from 'node:fs';

// Is the process recorded for a run still there? Signal 0 checks existence without touching it.

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Before force-killing a pid read from the database: on Linux, check it still is a run worker
 * (a pid can be reused after a reboot). Elsewhere we cannot tell and trust the pid.
 */
export function looksLikeRunWorker(pid: number): boolean {
  if (process.platform !== 'linux') return true;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('run-worker') || cmdline.includes('--type=utility');
  } catch {
    return false;
  }
}
