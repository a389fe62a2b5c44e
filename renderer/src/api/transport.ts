import type { LabEvent, LabResponse } from '../../../app/api/contract/index.js';

/** How the client reaches the lab: Electron's preload bridge, or HTTP + WebSocket. */
export interface LabTransport {
  readonly kind: 'electron' | 'http';
  invoke(method: string, params: unknown): Promise<LabResponse<unknown>>;
  /** Every event, in arrival order; returns the unsubscribe function. */
  subscribe(listener: (event: LabEvent) => void): () => void;
  /** URL of an image's pixels (by id), usable as <img src>. */
  mediaUrl(mediaPath: string): string;
}
