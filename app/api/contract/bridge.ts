import type { LabResponse } from './errors.js';
import type { LabEvent } from './events.js';

/**
 * What the Electron preload exposes as `window.labApi` (through contextBridge). Untyped on purpose
 * at this boundary: main validates every call against the method table; the renderer client adds types.
 */
export interface LabBridge {
  invoke(method: string, params: unknown): Promise<LabResponse<unknown>>;
  /** Subscribes to every lab event; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): () => void;
}

/** IPC channel of one LabApi method (one ipcMain handler per method). */
export function labIpcMethodChannel(method: string): string {
  return `lab:call:${method}`;
}

/** IPC channel carrying lab events from main to the page. */
export const labIpcEventChannel = 'lab:event';
