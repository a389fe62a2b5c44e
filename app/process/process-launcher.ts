import type { WorkerCommand } from './worker-command.js';

// How a worker process (a run, an evaluation) is started. Node uses child_process.fork
// (fork-launcher.ts); the Electron shell swaps in utilityProcess behind the same interface.

export interface RunProcessExit {
  code: number | null;
  signal: string | null;
}

export interface RunProcess {
  readonly pid: number | undefined;
  /** Sends a command to the worker; ignored if it has gone. */
  send(command: WorkerCommand): void;
  /** Messages from the worker (check them with the worker's own guard, e.g. isRunEvent). */
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exit: RunProcessExit) => void): void;
  /** Forced stop (SIGKILL): the worker gets no chance to checkpoint. */
  kill(): void;
}

export interface RunProcessLauncher {
  /** Starts the worker with `args`; its stdout and stderr are appended to `logFile`. */
  launch(request: { args: string[]; logFile: string; env?: Record<string, string> }): RunProcess;
}
