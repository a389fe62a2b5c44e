// What a parent may ask of any worker process (a run, an evaluation): stop gracefully.
// `suspend` = the app is going away; the worker checkpoints what it has and ends `interrupted`.

export interface WorkerCommand {
  type: 'cancel' | 'suspend';
}

export function isWorkerCommand(message: unknown): message is WorkerCommand {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return type === 'cancel' || type === 'suspend';
}
