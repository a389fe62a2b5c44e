import {
  imageMediaPath,
  LabApiError,
  type LabEventName,
  type LabEventPayload,
  type LabMethod,
  type LabParams,
  type LabResult,
  type ThumbnailSize,
} from '../../../app/api/contract/index.js';
import type { LabTransport } from './transport.js';

/** The typed LabApi as the pages use it. */
export interface LabClient {
  readonly transport: LabTransport['kind'];
  /** Calls a method; rejects with `LabApiError` (code, message, field) when the lab refuses. */
  call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>>;
  /** Listens to one event type; returns the unsubscribe function (call it on unmount). */
  on<E extends LabEventName>(event: E, listener: (payload: LabEventPayload<E>) => void): () => void;
  /** URL for an image's pixels by id (`thumb`: long side in px), for <img src>. */
  imageUrl(datasetId: string, imageId: string, thumb?: ThumbnailSize): string;
}

export function createLabClient(transport: LabTransport): LabClient {
  return {
    transport: transport.kind,
    async call(method, params) {
      const response = await transport.invoke(method, params);
      if (!response.ok) throw LabApiError.from(response.error);
      return response.result as LabResult<typeof method>;
    },
    on(event, listener) {
      return transport.subscribe((message) => {
        if (message.type === event) listener(message.payload as LabEventPayload<typeof event>);
      });
    },
    imageUrl: (datasetId, imageId, thumb) => transport.mediaUrl(imageMediaPath(datasetId, imageId, thumb)),
  };
}
