import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LabService } from '../../app/api/service/index.js';

// GET /api/events (WebSocket upgrade): every lab event as one JSON text message { type, payload }.
// Clients only listen; anything they send is ignored. Token and origin are checked before upgrading.

export const eventsPath = '/api/events';

export interface EventsSocket {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

export function createEventsSocket(service: LabService): EventsSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const clients = new Set<WebSocket>();
  const unsubscribe = service.subscribe((event) => {
    const message = JSON.stringify(event);
    for (const client of clients) {
      // A client too slow to keep up skips events instead of growing memory without bound.
      if (client.readyState === client.OPEN && client.bufferedAmount < 8 * 1024 * 1024) client.send(message);
    }
  });
  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => {
        clients.add(ws);
        ws.on('close', () => clients.delete(ws));
        ws.on('error', () => clients.delete(ws));
      });
    },
    close() {
      unsubscribe();
      for (const client of clients) client.terminate();
      wss.close();
    },
  };
}

/** Refuses an upgrade with a plain HTTP status line (the socket is not a WebSocket yet). */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  socket.destroy();
}
