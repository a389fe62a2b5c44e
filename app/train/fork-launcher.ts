import { fork } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RunProcess, RunProcessLauncher } from './process-launcher.js';

// RunProcessLauncher on child_process.fork. From a source checkout the worker is TypeScript and
// runs through tsx's loader (by absolute path, so any working directory works); from a build it is
// plain JavaScript beside this file.

export function runWorkerEntry(): { path: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(fromSource ? './run-worker.ts' : './run-worker.js', import.meta.url));
  if (!fromSource) return { path, execArgv: [] };
  const tsxLoader = createRequire(import.meta.url).resolve('tsx');
  return { path, execArgv: ['--import', pathToFileURL(tsxLoader).href] };
}

export const forkLauncher: RunProcessLauncher = {
  launch({ args, logFile, env }) {
    const entry = runWorkerEntry();
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
  },
};
