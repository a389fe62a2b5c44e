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

/** The IPC channel names shared by preload and main. */
export const labIpcChannels = { invoke: 'lab:invoke', event: 'lab:event' } as const;
