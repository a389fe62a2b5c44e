// The one LabApi client of the renderer. In Electron the preload puts `window.labApi` (a LabBridge)
// on the page; in a browser the page talks HTTP + WebSocket to the server it was loaded from.
//   import { lab } from './api';  const { datasets } = await lab.call('datasets.list', {});
import type { LabBridge } from '../../../app/api/contract/index.js';
import { createLabClient, type LabClient } from './client.js';
import { electronTransport } from './electron-transport.js';
import { dropTokenFromAddress, httpTransport } from './http-transport.js';

declare global {
  interface Window {
    labApi?: LabBridge;
  }
}

export function pickTransport(win: Window = window) {
  if (win.labApi) return electronTransport(win.labApi);
  dropTokenFromAddress(win);
  return httpTransport(win.location.origin);
}

export const lab: LabClient = createLabClient(pickTransport());

export { createLabClient, type LabClient } from './client.js';
export { LabApiError } from '../../../app/api/contract/index.js';
export type * from '../../../app/api/contract/index.js';
