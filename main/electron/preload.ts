// Preload (sandboxed, context-isolated): exposes the LabApi to the page as `window.labApi` through
// contextBridge, and nothing else: no ipcRenderer, no Node. Bundled to CommonJS (dist/electron/preload.cjs)
// and kept tiny: it imports only the channel names; main validates every call against the contract.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { labIpcEventChannel, labIpcMethodChannel } from '../../app/api/contract/bridge.js';
import type { LabBridge, LabEvent, LabResponse } from '../../app/api/contract/index.js';

const methodName = /^[a-z]+\.[A-Za-z]+$/;

export const labBridge: LabBridge = {
  async invoke(method: string, params: unknown): Promise<LabResponse<unknown>> {
    if (typeof method !== 'string' || !methodName.test(method)) {
      return { ok: false, error: { code: 'not_found', message: `Unknown LabApi method "${String(method)}".` } };
    }
    try {
      return (await ipcRenderer.invoke(labIpcMethodChannel(method), params)) as LabResponse<unknown>;
    } catch (error) {
      // No handler for that channel (not a LabApi method), or params that cannot be cloned.
      const message = error instanceof Error ? error.message : String(error);
      const unknown = /No handler registered/.test(message);
      return {
        ok: false,
        error: {
          code: unknown ? 'not_found' : 'invalid_params',
          message: unknown ? `Unknown LabApi method "${method}".` : `${method}: ${message}`,
        },
      };
    }
  },
  onEvent(listener: (event: LabEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('labApi.onEvent needs a function');
    // The IPC event object (with its sender) never reaches the page: only the lab event does.
    const forward = (_event: IpcRendererEvent, labEvent: LabEvent) => listener(labEvent);
    ipcRenderer.on(labIpcEventChannel, forward);
    return () => {
      ipcRenderer.removeListener(labIpcEventChannel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('labApi', labBridge);
