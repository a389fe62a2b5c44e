import { useEffect, useRef } from 'react';
import { lab, type LabEventName, type LabEventPayload } from '../api/index.js';

/** Listens to one lab event while mounted; the latest handler is always the one called. */
export function useLabEvent<E extends LabEventName>(event: E, handler: (payload: LabEventPayload<E>) => void): void {
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => lab.on(event, (payload) => handlerRef.current(payload)), [event]);
}
