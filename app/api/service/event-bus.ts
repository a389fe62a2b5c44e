import type { LabEvent, LabEventName, LabEventPayload } from '../contract/index.js';

// A tiny synchronous fan-out of lab events to the transports' listeners.
export class LabEventBus {
  private readonly listeners = new Set<(event: LabEvent) => void>();

  subscribe(listener: (event: LabEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit<E extends LabEventName>(type: E, payload: LabEventPayload<E>): void {
    const event = { type, payload } as LabEvent;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        /* a broken listener must not stop the others */
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
