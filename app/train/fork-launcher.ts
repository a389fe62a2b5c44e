import { forkLauncherFor, workerEntry, type WorkerEntry } from '../process/fork-launcher.js';
import type { RunProcessLauncher } from '../process/process-launcher.js';

// The run worker (run-worker.ts beside this file) on child_process.fork.

export function runWorkerEntry(): WorkerEntry {
  return workerEntry(import.meta.url, 'run-worker');
}

export const forkLauncher: RunProcessLauncher = forkLauncherFor(runWorkerEntry);
