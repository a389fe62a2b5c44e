import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLabService, type LabService } from '../../app/api/service/index.js';
import { startServer, type RunningServer, type ServeOptions } from './server.js';

// What a token holder, another local port, a rebinding web page or a slow client can do to
// `ddl-lab serve`: each scenario on real ports and raw sockets.

const token = 'a'.repeat(48);
let root: string;
let service: LabService;
let rendererDir: string;
const servers: RunningServer[] = [];

async function serve(options: Partial<ServeOptions> = {}, serverToken = token): Promise<RunningServer> {
  const running = await startServer({
    host: '127.0.0.1',
    port: 0,
    token: serverToken,
    rendererDir,
    service,
    ...options,
  });
  servers.push(running);
  return running;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(origin: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { hostname: host, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw TCP client: what it received, and when the server closed the connection. */
function rawClient(origin: string) {
  const { hostname: host, port } = new URL(origin);
  const socket: Socket = connect(Number(port), host);
  let received = '';
  const opened = Date.now();
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8');
  });
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - opened)));
  return { socket, closed, received: () => received };
}

/** Sends `text` one byte every `everyMs` until the socket closes (a client dribbling its request). */
function dribble(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ddl-lab-exposure-'));
  rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>DDL Lab</title>');
  service = createLabService({ dataDir: join(root, 'data'), shell: 'test' });
});

afterAll(async () => {
  for (const running of servers) await running.close();
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('token cookie', () => {
  it('is scoped to the port: a second server on the same host does not log the first one out', async () => {
    const first = await serve({}, 'a'.repeat(48));
    const second = await serve({}, 'b'.repeat(48));
    // A browser keeps cookies per host and name, ignoring the port: the same jar serves both servers.
    const jar = new Map<string, string>();
    const remember = (response: RawResponse) => {
      for (const line of [response.headers['set-cookie'] ?? []].flat()) {
        const [pair] = line.split(';');
        const at = pair!.indexOf('=');
        jar.set(pair!.slice(0, at), pair!.slice(at + 1));
      }
    };
    const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    remember(await get(first.origin, `/?token=${'a'.repeat(48)}`));
    remember(await get(second.origin, `/?token=${'b'.repeat(48)}`));
    expect(jar.size).toBe(2);
    expect((await get(first.origin, '/', { cookie: cookieHeader() })).status).toBe(200);
    expect((await get(second.origin, '/', { cookie: cookieHeader() })).status).toBe(200);
    // Another port on the host receives the first server's cookie, but it is not a name it reads.
    const third = await serve({}, 'a'.repeat(48));
    expect((await get(third.origin, '/', { cookie: cookieHeader() })).status).toBe(401);
  });
});

describe('Host header (DNS rebinding)', () => {
  it('refuses a Host that does not name the server, even with the token; accepts localhost and the bound address', async () => {
    const running = await serve();
    const { port } = new URL(running.origin);
    const auth = { authorization: `Bearer ${token}` };
    const rebound = await get(running.origin, '/', { ...auth, host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/Host header/);
    expect((await get(running.origin, '/', { ...auth, host: `localhost:${port}` })).status).toBe(200);
    expect((await get(running.origin, '/', { ...auth, host: `127.0.0.1:${port}` })).status).toBe(200);
    const ws = new WebSocket(`${running.origin.replace('http', 'ws')}/api/events`, {
      headers: { ...auth, host: `evil.example:${port}` },
    });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => resolve(-1));
    });
    ws.terminate();
    expect(status).toBe(403);
  });

  it('on 0.0.0.0 accepts this machine’s names and --allow-host names, nothing else', async () => {
    const running = await serve({ host: '0.0.0.0', allowedHosts: ['gpu-box.lab.example'] });
    const port = new URL(running.origin).port;
    const origin = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${token}` };
    expect((await get(origin, '/', { ...auth, host: `${hostname()}:${port}` })).status).toBe(200);
    expect((await get(origin, '/', { ...auth, host: `gpu-box.lab.example:${port}` })).status).toBe(200);
    expect((await get(origin, '/', { ...auth, host: `attacker.example:${port}` })).status).toBe(403);
  });

  it('`ddl-lab serve --host 0.0.0.0` warns at start that the traffic is plain HTTP', async () => {
    const child = spawn(
      process.execPath,
      ['bin/ddl-lab.js', 'serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', join(root, 'cli-data')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const warned = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 60_000);
      child.stderr.on('data', (chunk) => {
        stderr += String(chunk);
        if (/plain HTTP/.test(stderr)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(/plain HTTP/.test(stderr));
      });
    });
    child.kill('SIGKILL');
    expect(warned, stderr).toBe(true);
    expect(stderr).toMatch(/--host 0\.0\.0\.0 .*plain HTTP/s);
    expect(stderr).toMatch(/SSH tunnel/);
  });
});

describe('slow and many clients', () => {
  const fast = { requestTimeoutMs: 1500, headersTimeoutMs: 1000, checkIntervalMs: 100, maxConnections: 4 };

  it('closes a request without the token at once, before reading its (slow) body', async () => {
    const running = await serve({ limits: fast });
    const client = rawClient(running.origin);
    client.socket.write(
      'POST /api/system.info HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n',
    );
    dribble(client.socket, '{'.repeat(1000), 50);
    const closedAfter = await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 401/);
    expect(closedAfter).toBeLessThan(1000);
  });

  it('ends a request with the token whose body dribbles in, after the request timeout', async () => {
    const running = await serve({ limits: fast });
    const client = rawClient(running.origin);
    client.socket.write(
      `POST /api/system.info HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n`,
    );
    dribble(client.socket, ' '.repeat(100_000), 50);
    const closedAfter = await client.closed;
    expect(closedAfter).toBeGreaterThanOrEqual(1400);
    expect(closedAfter).toBeLessThan(5000);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('ends a connection whose headers dribble in, after the headers timeout', async () => {
    const running = await serve({ limits: fast });
    const client = rawClient(running.origin);
    dribble(client.socket, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nx-slow: ${'z'.repeat(10_000)}`, 50);
    const closedAfter = await client.closed;
    expect(closedAfter).toBeLessThan(5000);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes connections over the cap as they arrive', async () => {
    const running = await serve({ limits: fast });
    const held = Array.from({ length: 4 }, () => rawClient(running.origin));
    await Promise.all(held.map((c) => new Promise((resolve) => c.socket.once('connect', resolve))));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = rawClient(running.origin);
    const closedAfter = await extra.closed;
    expect(closedAfter).toBeLessThan(1000);
    expect(extra.received()).toBe('');
    for (const c of held) c.socket.destroy();
  });
});

describe('request bodies', () => {
  it('answers deeply nested JSON with 400, not 500', async () => {
    const running = await serve();
    let rule = '{"kind":"tag","tag":"x"}';
    for (let i = 0; i < 5000; i++) rule = `{"kind":"not","condition":${rule}}`;
    const body = `{"datasetId":"1","definition":{"hard":{"combine":"and","conditions":[${rule}]}}}`;
    const { hostname: host, port } = new URL(running.origin);
    const response = await new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest(
        {
          host,
          port,
          path: '/api/splits.preview',
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: String(Buffer.concat(chunks)) }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.message).toMatch(/deeper than 64 levels/);
  });
});
