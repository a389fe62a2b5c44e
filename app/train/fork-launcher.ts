import { workerEntry, type WorkerEntry } from '../util/worker-entry.js';
import { forkLauncherFor } from '../process/fork-launcher.js';
import type { RunProcessLauncher } from '../process/process-launcher.js';

// The run worker (run-worker.ts beside this file) on child_process.fork.

export function runWorkerEntry(): WorkerEntry {
  return workerEntry(import.meta.url, 'run-worker');
}

export const forkLauncher: RunProcessLauncher = forkLauncherFor(runWorkerEntry);
