import { fork } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RunProcess, RunProcessLauncher } from './process-launcher.js';

// RunProcessLauncher on child_process.fork. From a source checkout the worker is TypeScript and
// runs through tsx's loader (by absolute path, so any working directory works); from a build it is
// plain JavaScript beside the module that names it. Each worker kind names its own entry
// (app/train's run worker, app/eval/run's evaluation worker).

export interface WorkerEntry {
  path: string;
  execArgv: string[];
}

/** The worker module `name` (no extension) beside the module at `base` (its import.meta.url). */
export function workerEntry(base: string, name: string): WorkerEntry {
  const fromSource = base.endsWith('.ts');
  const path = fileURLToPath(new URL(`./${name}${fromSource ? '.ts' : '.js'}`, base));
  if (!fromSource) return { path, execArgv: [] };
  const tsxLoader = createRequire(base).resolve('tsx');
  return { path, execArgv: ['--import', pathToFileURL(tsxLoader).href] };
}

/** A fork launcher for the worker `entry()` names. */
export function forkLauncherFor(entry: () => WorkerEntry): RunProcessLauncher {
  return { launch: (request) => forkWorker(entry(), request) };
}

function forkWorker(
  entry: WorkerEntry,
  { args, logFile, env }: Parameters<RunProcessLauncher['launch']>[0],
): RunProcess {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  const child = (() => {
    try {
      return fork(entry.path, args, {
        execArgv: entry.execArgv,
        stdio: ['ignore', log, log, 'ipc'],
        env: { ...process.env, ...env },
      });
    } finally {
      closeSync(log); // the child holds its own copy of the descriptor
    }
  })();
  const handle: RunProcess = {
    pid: child.pid,
    send(command) {
      if (child.connected)
        child.send(command, (error) => {
          if (error) {
            /* the worker is exiting; nothing to tell */
          }
        });
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit(listener) {
      child.on('exit', (code, signal) => listener({ code, signal }));
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  return handle;
}
