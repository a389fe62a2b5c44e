import { fork } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WorkerEntry } from '../util/worker-entry.js';
import type { RunProcess, RunProcessLauncher } from './process-launcher.js';

// RunProcessLauncher on child_process.fork, for the worker entries app/util/worker-entry.ts finds.
// Each worker kind names its own entry (app/train's run worker, app/eval/run's evaluation worker).

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
