import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readStaticFile } from './static-files.js';
import { requestToken, tokenCookie, tokenMatches } from './token.js';

export interface ServeOptions {
  host: string;
  port: number;
  token: string;
  rendererDir: string;
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

// `ddl-lab serve`: the renderer (and, with the desktop-shell issue, the LabApi) over HTTP.
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!tokenMatches(options.token, requestToken(req, url))) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('401: this DDL Lab server needs the token printed when it started (open the URL it printed).\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const file = await readStaticFile(options.rendererDir, url.pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404: not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': file.contentType,
      'set-cookie': `${tokenCookie}=${options.token}; HttpOnly; SameSite=Strict; Path=/`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host}:${port}/?token=${options.token}`;
  return {
    server,
    url,
    close: () => new Promise((resolveClose) => server.close(() => resolveClose())),
  };
}
