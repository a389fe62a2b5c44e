import type { LabEvent, LabResponse } from '../../../app/api/contract/index.js';
import type { LabTransport } from './transport.js';

// Browser (`ddl-lab serve`): POST /api/<method> and a WebSocket at /api/events on the origin the
// page came from. The token travels in the HttpOnly cookie the server set when the page loaded.

async function invoke(origin: string, method: string, params: unknown): Promise<LabResponse<unknown>> {
  let response: Response;
  try {
    response = await fetch(`${origin}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(params ?? {}),
    });
  } catch (error) {
    return {
      ok: false,
      error: {
        code: 'internal',
        message: `The lab server did not answer (${String(error)}). Is "ddl-lab serve" still running?`,
      },
    };
  }
  const text = await response.text();
  try {
    return JSON.parse(text) as LabResponse<unknown>;
  } catch {
    const code = response.status === 401 ? 'unauthorized' : 'internal';
    return { ok: false, error: { code, message: `${method}: HTTP ${response.status}: ${text.trim().slice(0, 300)}` } };
  }
}

/** One WebSocket shared by all listeners, reconnecting with backoff while anyone listens. */
function eventStream(origin: string) {
  const listeners = new Set<(event: LabEvent) => void>();
  let socket: WebSocket | undefined;
  let retryMs = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/api/events`);
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
    };
    ws.onmessage = (message) => {
      let event: LabEvent;
      try {
        event = JSON.parse(String(message.data)) as LabEvent;
      } catch {
        return;
      }
      for (const listener of listeners) listener(event);
    };
    ws.onclose = () => {
      socket = undefined;
      if (listeners.size === 0) return;
      timer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  return (listener: (event: LabEvent) => void) => {
    listeners.add(listener);
    if (!socket && timer === undefined) connect();
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0) return;
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      socket?.close();
      socket = undefined;
    };
  };
}

/**
 * The printed URL carries the token (?token=...); by the time the page's code runs the server has
 * put it in the HttpOnly cookie, so it is dropped from the address bar, history and bookmarks.
 */
export function dropTokenFromAddress(win: Window): void {
  const url = new URL(win.location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

export function httpTransport(origin: string): LabTransport {
  const subscribe = eventStream(origin);
  return {
    kind: 'http',
    invoke: (method, params) => invoke(origin, method, params),
    subscribe: (listener) => {
      const unsubscribe = subscribe(listener);
      return () => {
        unsubscribe();
      };
    },
    mediaUrl: (mediaPath) => `${origin}/${mediaPath}`,
  };
}
