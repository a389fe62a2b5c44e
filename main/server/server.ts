import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LabService } from '../../app/api/service/index.js';
import { handleApiCall } from './api-routes.js';
import { contentSecurityPolicy, securityHeaders } from './content-security-policy.js';
import { createEventsSocket, eventsPath, refuseUpgrade } from './events-socket.js';
import { handleMedia } from './media-route.js';
import { readStaticFile } from './static-files.js';
import { requestToken, tokenCookie, tokenMatches } from './token.js';

export interface ServeOptions {
  host: string;
  port: number;
  token: string;
  rendererDir: string;
  service: LabService;
  /** Largest accepted request body (default 4 MiB). */
  maxBodyBytes?: number;
}

export interface RunningServer {
  server: Server;
  url: string;
  origin: string;
  close(): Promise<void>;
}

export const defaultMaxBodyBytes = 4 * 1024 * 1024;

function unauthorized(res: ServerResponse): void {
  res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' });
  res.end('401: this DDL Lab server needs the token printed when it started (open the URL it printed).\n');
}

/** A browser's Origin header, when sent, must be this server itself (no cross-site calls). */
function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

// `ddl-lab serve`: the lab UI and the LabApi over HTTP (POST /api/<method>), events over a
// WebSocket (/api/events) and dataset images by id (/media/...). Every request needs the token.
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const csp = contentSecurityPolicy();
  const events = createEventsSocket(options.service);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const given = requestToken(req, url);
    if (!tokenMatches(options.token, given)) return unauthorized(res);
    if (!originAllowed(req)) {
      res
        .writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
        .end('403: cross-origin requests are refused.\n');
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      return handleApiCall(req, res, url.pathname.slice('/api/'.length), options.service, maxBodyBytes);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/media' || url.pathname.startsWith('/media/')) return handleMedia(url, res, options.service);
    const file = await readStaticFile(options.rendererDir, url.pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404: not found\n');
      return;
    }
    // The token came in the URL: keep it in an HttpOnly cookie so the page's own requests carry it.
    if (url.searchParams.has('token')) {
      res.setHeader('set-cookie', `${tokenCookie}=${options.token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    const headers: Record<string, string> = { 'content-type': file.contentType };
    if (file.contentType.startsWith('text/html')) headers['content-security-policy'] = csp;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`500: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== eventsPath) return refuseUpgrade(socket, 404, 'Not Found');
    if (!tokenMatches(options.token, requestToken(req, url))) return refuseUpgrade(socket, 401, 'Unauthorized');
    if (!originAllowed(req)) return refuseUpgrade(socket, 403, 'Forbidden');
    events.handleUpgrade(req, socket, head);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const origin = `http://${hostForUrl}:${port}`;
  return {
    server,
    origin,
    url: `${origin}/?token=${options.token}`,
    close: () =>
      new Promise((resolveClose) => {
        events.close();
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
