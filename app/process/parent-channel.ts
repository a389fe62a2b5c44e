import { isWorkerCommand, type WorkerCommand } from './worker-command.js';

// The worker's side of the link to its supervisor: process.send under child_process.fork,
// process.parentPort under Electron's utilityProcess, nothing when started by hand (then the
// database is the only output).

export interface ParentChannel<Event> {
  /** Resolves once the message is handed to the transport (await it before exiting). */
  post(event: Event): Promise<void>;
  onCommand(listener: (command: WorkerCommand) => void): void;
  /** The supervisor went away (fork only). */
  onDisconnect(listener: () => void): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

/** The link to the parent; `Event` is what this worker sends (RunEvent for the run worker). */
export function connectToParent<Event>(): ParentChannel<Event> | undefined {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      post: async (event) => parentPort.postMessage(event),
      onCommand: (listener) =>
        parentPort.on('message', (e) => {
          if (isWorkerCommand(e.data)) listener(e.data);
        }),
      onDisconnect: () => {},
    };
  }
  if (typeof process.send === 'function') {
    return {
      post: (event) =>
        new Promise<void>((resolve) => {
          if (!process.connected || !process.send) resolve();
          else process.send(event, undefined, undefined, () => resolve());
        }),
      onCommand: (listener) =>
        process.on('message', (m) => {
          if (isWorkerCommand(m)) listener(m);
        }),
      onDisconnect: (listener) => process.on('disconnect', listener),
    };
  }
  return undefined;
}
