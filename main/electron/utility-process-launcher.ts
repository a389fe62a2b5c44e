import { utilityProcess } from 'electron';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunProcess, RunProcessLauncher } from '../../app/process/process-launcher.js';

// RunProcessLauncher on Electron's utilityProcess (the desktop app's run and evaluation
// processes), the same interface as app/train's child_process.fork launcher. The worker talks
// over process.parentPort.

export interface UtilityProcessOptions {
  /** The name the OS task manager shows. */
  serviceName?: string;
  /** Added to every worker's environment. */
  env?: Record<string, string>;
}

export function utilityProcessLauncher(workerEntry: string, options: UtilityProcessOptions = {}): RunProcessLauncher {
  return {
    launch({ args, logFile, env }) {
      mkdirSync(dirname(logFile), { recursive: true });
      const log = createWriteStream(logFile, { flags: 'a' });
      const child = utilityProcess.fork(workerEntry, args, {
        stdio: 'pipe',
        env: { ...process.env, ...options.env, ...env } as Record<string, string>,
        serviceName: options.serviceName ?? 'DDL Lab run',
      });
      child.stdout?.pipe(log, { end: false });
      child.stderr?.pipe(log, { end: false });
      let exited = false;
      child.once('exit', () => {
        exited = true;
        log.end();
      });
      const handle: RunProcess = {
        get pid() {
          return child.pid;
        },
        send(command) {
          if (!exited) child.postMessage(command);
        },
        onMessage(listener) {
          child.on('message', listener);
        },
        onExit(listener) {
          child.on('exit', (code) => listener({ code, signal: null }));
        },
        // utilityProcess.kill() sends SIGTERM (graceful); "forced" must not let the worker checkpoint.
        kill() {
          if (exited) return;
          if (child.pid !== undefined) {
            try {
              process.kill(child.pid, 'SIGKILL');
              return;
            } catch {
              /* already gone */
            }
          }
          child.kill();
        },
      };
      return handle;
    },
  };
}
