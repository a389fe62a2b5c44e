import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import {
  labIpcEventChannel,
  labIpcMethodChannel,
  labMethodNames,
  type LabMethod,
  type LabResponse,
} from '../../app/api/contract/index.js';
import { dispatchLabCall } from '../../app/api/dispatch.js';
import type { LabService } from '../../app/api/service/index.js';
import { isAppUrl } from './schemes.js';

// One ipcMain handler per LabApi method, generated from the contract. Each handler checks the
// sender is the app's own page, then validates params with the method's schema (dispatchLabCall).

/** Every method this transport exposes (a test checks it covers the whole contract). */
export const ipcMethods: readonly LabMethod[] = labMethodNames;

/** Only frames showing the app itself (lab-app://renderer/...) may call the lab. */
export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url;
  return typeof url === 'string' && isAppUrl(url);
}

export function registerLabIpc(service: LabService): string[] {
  const channels: string[] = [];
  for (const method of ipcMethods) {
    const channel = labIpcMethodChannel(method);
    ipcMain.handle(channel, async (event, params: unknown): Promise<LabResponse<unknown>> => {
      if (!isTrustedSender(event)) {
        return {
          ok: false,
          error: { code: 'unauthorized', message: `${method}: refused a call from a page that is not DDL Lab.` },
        };
      }
      return dispatchLabCall(service.handlers, method, params);
    });
    channels.push(channel);
  }
  return channels;
}

export function unregisterLabIpc(): void {
  for (const method of ipcMethods) ipcMain.removeHandler(labIpcMethodChannel(method));
}

/** Forwards every lab event to the app's pages; returns the unsubscribe function. */
export function forwardLabEvents(service: LabService, targets: () => WebContents[]): () => void {
  return service.subscribe((event) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed() && isAppUrl(contents.getURL())) contents.send(labIpcEventChannel, event);
    }
  });
}
