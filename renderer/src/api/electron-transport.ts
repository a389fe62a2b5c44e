import { labImageScheme, type LabBridge } from '../../../app/api/contract/index.js';
import type { LabTransport } from './transport.js';

// Desktop app: calls go through the preload's contextBridge; images through the lab-image:// protocol.
export function electronTransport(bridge: LabBridge): LabTransport {
  return {
    kind: 'electron',
    invoke: (method, params) => bridge.invoke(method, params),
    subscribe: (listener) => bridge.onEvent(listener),
    mediaUrl: (mediaPath) => `${labImageScheme}://${mediaPath}`,
  };
}
