import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LabService } from '../../app/api/service/index.js';
import { handleApiCall } from './api-routes.js';
import { contentSecurityPolicy, securityHeaders } from './content-security-policy.js';
import { createEventsSocket, eventsPath, refuseUpgrade } from './events-socket.js';
import { handleMedia } from './media-route.js';
import { readStaticFile } from './static-files.js';
import { allowedHostNames, hostAllowed } from './host-check.js';
import { requestToken, tokenCookieName, tokenMatches } from './token.js';

export interface ServeOptions {
  host: string;
  port: number;
  token: string;
  rendererDir: string;
  service: LabService;
  /** Largest accepted request body (default 4 MiB). */
  maxBodyBytes?: number;
  /** Host names the Host header may carry besides this server's own (e.g. a DNS name of the machine). */
  allowedHosts?: readonly string[];
  /** Slow-client limits; tests shorten them. */
  limits?: Partial<ServerLimits>;
}

export interface ServerLimits {
  /** The whole request (headers and body) must arrive within this time, else 408 and the socket closes. */
  requestTimeoutMs: number;
  /** The headers must arrive within this time. */
  headersTimeoutMs: number;
  /** How often the server looks for requests over those limits. */
  checkIntervalMs: number;
  /** Open connections at once; more are closed as they arrive. */
  maxConnections: number;
}

export const defaultServerLimits: ServerLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  checkIntervalMs: 1_000,
  maxConnections: 128,
};

export interface RunningServer {
  server: Server;
  url: string;
  origin: string;
  close(): Promise<void>;
}

export const defaultMaxBodyBytes = 4 * 1024 * 1024;

/**
 * Answers and closes the connection without reading the request body: a client that is refused
 * must not hold a socket open by sending its body slowly.
 */
function refuseAndClose(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...headers });
  res.end(message, () => req.socket.destroy());
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
// WebSocket (/api/events) and dataset images by id (/media/...). Every request must name this server
// in its Host header and carry the token; refused ones are closed before their body is read.
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const limits = { ...defaultServerLimits, ...options.limits };
  const csp = contentSecurityPolicy();
  const events = createEventsSocket(options.service);
  const allowedHosts = allowedHostNames(options.host, options.allowedHosts);
  let tokenCookie = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    if (!hostAllowed(req.headers.host, allowedHosts)) {
      return refuseAndClose(
        req,
        res,
        403,
        `403: the Host header "${String(req.headers.host ?? '').slice(0, 100)}" does not name this server; open the URL it printed (a name of your own: ddl-lab serve --allow-host NAME).\n`,
      );
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const given = requestToken(req, url, tokenCookie);
    if (!tokenMatches(options.token, given)) {
      return refuseAndClose(
        req,
        res,
        401,
        '401: this DDL Lab server needs the token printed when it started (open the URL it printed).\n',
        { 'www-authenticate': 'Bearer' },
      );
    }
    if (!originAllowed(req)) return refuseAndClose(req, res, 403, '403: cross-origin requests are refused.\n');
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

  const server = createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`500: ${error instanceof Error ? error.message : String(error)}\n`);
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req.headers.host, allowedHosts)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (url.pathname !== eventsPath) return refuseUpgrade(socket, 404, 'Not Found');
    if (!tokenMatches(options.token, requestToken(req, url, tokenCookie)))
      return refuseUpgrade(socket, 401, 'Unauthorized');
    if (!originAllowed(req)) return refuseUpgrade(socket, 403, 'Forbidden');
    events.handleUpgrade(req, socket, head);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  tokenCookie = tokenCookieName(port);
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
