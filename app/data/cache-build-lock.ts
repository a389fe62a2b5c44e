import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

// One builder per pixel cache: two processes (two evaluations of runs on the same dataset, a run and
// an evaluation) that need the same missing cache would both write its `.partial` file, and the
// second's rename fails. The builder holds `<cache>.lock` (holding its pid); the others wait for it
// to go, then find the cache built. A lock whose process is gone is taken over.

const pollMs = 200;
const maxWaitMs = 30 * 60_000;

function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8').trim());
  } catch {
    return false; // removed meanwhile, or being written: try again
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits for and takes the lock; returns the function that releases it. */
export async function acquireCacheBuildLock(lock: string, signal?: AbortSignal): Promise<() => void> {
  const started = Date.now();
  for (;;) {
    signal?.throwIfAborted();
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!holderAlive(lock)) {
      // the holder died (or wrote no pid yet: then it is alive and re-creates nothing; wait one poll)
      await sleep(pollMs);
      if (!holderAlive(lock)) rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() - started > maxWaitMs)
      throw new Error(
        `waited ${maxWaitMs / 60_000} minutes for another process building the pixel cache (${lock}); if no DDL Lab process is running, delete that file.`,
      );
    await sleep(pollMs, undefined, { signal });
  }
}
