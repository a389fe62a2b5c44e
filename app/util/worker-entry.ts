import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

// Where a worker module is, for child processes (fork) and threads (Worker) alike. From a source
// checkout the worker is TypeScript and runs through tsx's loader (by absolute path, so any working
// directory works); from a build it is plain JavaScript beside the module that names it.

export interface WorkerEntry {
  path: string;
  execArgv: string[];
}

/** The worker module `name` (no extension) beside the module at `base` (its import.meta.url). */
export function workerEntry(base: string, name: string): WorkerEntry {
  const fromSource = base.endsWith('.ts');
  // A bundle (dist/electron/*.cjs) has its workers bundled beside it as .cjs too.
  const extension = fromSource ? '.ts' : base.endsWith('.cjs') ? '.cjs' : '.js';
  const path = fileURLToPath(new URL(`./${name}${extension}`, base));
  if (!fromSource) return { path, execArgv: [] };
  const tsxLoader = createRequire(base).resolve('tsx');
  return { path, execArgv: ['--import', pathToFileURL(tsxLoader).href] };
}

/**
 * A worker thread running the module `name` beside `base`. Threads ignore `--import`, so from a
 * source checkout a one-line bootstrap registers tsx's require hook (module hooks cannot be
 * registered from a Node 20 thread) and requires the module.
 */
export function startWorkerThread(base: string, name: string, options: WorkerOptions = {}): Worker {
  const entry = workerEntry(base, name);
  if (entry.execArgv.length === 0) return new Worker(entry.path, options);
  const tsxCjs = createRequire(base).resolve('tsx/cjs/api');
  const bootstrap = `require(${JSON.stringify(tsxCjs)}).register(); require(${JSON.stringify(entry.path)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}
