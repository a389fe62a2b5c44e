import { request as httpRequest } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LabApiError } from '../../app/api/contract/index.js';
import { createLabService } from '../../app/api/service/index.js';
import { LabEventBus } from '../../app/api/service/event-bus.js';
import type { LabService } from '../../app/api/service/index.js';
import { startServer, type RunningServer } from './server.js';

// The server on a real port: token on every request, body limits, params validation, images only by id.

const token = 'a'.repeat(48);
let root: string;
let server: RunningServer;
let bus: LabEventBus;
let service: LabService;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the path sent exactly as written (fetch would normalise `..`). */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<RawResponse> {
  const { port, hostname } = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const auth = { authorization: `Bearer ${token}` };
const api = (method: string, body: unknown, headers: Record<string, string> = auth) =>
  raw(`/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ddl-lab-server-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>DDL Lab</title>');
  writeFileSync(join(root, 'secret.txt'), 'root:x:0:0 outside the renderer folder');
  const real = createLabService({ dataDir: join(root, 'data'), shell: 'test' });
  bus = new LabEventBus();
  const png = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  service = {
    handlers: real.handlers,
    subscribe: (listener) => bus.subscribe(listener),
    openImage: async (datasetId, imageId, thumb) => {
      if (datasetId !== '1' || imageId !== '7') throw new LabApiError('not_found', `no image ${datasetId}/${imageId}`);
      const body = thumb ? await sharp(png).resize(thumb, thumb, { fit: 'inside' }).png().toBuffer() : png;
      return { contentType: 'image/png', data: Readable.from(body) };
    },
    close: () => real.close(),
  };
  server = await startServer({ host: '127.0.0.1', port: 0, token, rendererDir, service, maxBodyBytes: 64 * 1024 });
});

afterAll(async () => {
  await server?.close();
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('ddl-lab serve: token', () => {
  it('refuses every kind of request without a token (401)', async () => {
    expect((await raw('/')).status).toBe(401);
    expect((await raw('/index.html')).status).toBe(401);
    expect((await api('system.info', {}, {})).status).toBe(401);
    expect((await raw('/media/1/7')).status).toBe(401);
  });

  it('refuses a wrong token in header, query or cookie (401)', async () => {
    expect((await api('system.info', {}, { authorization: `Bearer ${'b'.repeat(48)}` })).status).toBe(401);
    expect((await api('system.info', {}, { authorization: 'Bearer short' })).status).toBe(401);
    expect((await raw(`/?token=${'b'.repeat(48)}`)).status).toBe(401);
    const cookieName = `ddl_lab_token_${new URL(server.origin).port}`;
    expect((await raw('/', { headers: { cookie: `${cookieName}=${'c'.repeat(48)}` } })).status).toBe(401);
  });

  it('accepts the token as Bearer header, ?token= or the cookie set when the page loads', async () => {
    const page = await raw(`/?token=${token}`);
    expect(page.status).toBe(200);
    const cookie = String(page.headers['set-cookie']);
    const cookieName = `ddl_lab_token_${new URL(server.origin).port}`;
    expect(cookie).toMatch(new RegExp(`^${cookieName}=a{48}; HttpOnly; SameSite=Strict; Path=/`));
    expect((await api('system.info', {}, { cookie: `${cookieName}=${token}` })).status).toBe(200);
    expect((await api('system.info', {})).status).toBe(200);
    expect(
      (
        await raw(`/api/system.info?token=${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(200);
  });

  it('sends a strict CSP and hardening headers with the page', async () => {
    const page = await raw('/', { headers: auth });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses cross-origin API calls even with the token', async () => {
    const response = await api('system.info', {}, { ...auth, origin: 'http://evil.example' });
    expect(response.status).toBe(403);
  });
});

describe('ddl-lab serve: API calls', () => {
  it('answers system.info with the data directory and shell', async () => {
    const response = await api('system.info', {});
    const body = JSON.parse(response.body);
    expect(body.ok).toBe(true);
    expect(body.result.dataDir).toBe(join(root, 'data'));
    expect(body.result.shell).toBe('test');
  });

  it('refuses bad params with 400 naming the field', async () => {
    const response = await api('datasets.images', { datasetId: 'x', limit: 5000 });
    expect(response.status).toBe(400);
    const body = JSON.parse(response.body);
    expect(body.error).toMatchObject({ code: 'invalid_params', field: 'limit' });
    expect(body.error.message).toMatch(/limit: Too big/);
    const unknownKey = JSON.parse((await api('datasets.list', { surprise: 1 })).body);
    expect(unknownKey.error.message).toMatch(/surprise/);
    const badJson = await raw('/api/datasets.list', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(badJson.status).toBe(400);
  });

  it('refuses an oversized body with 413', async () => {
    const big = JSON.stringify({ path: 'x'.repeat(200 * 1024) });
    // Sent chunked (no content-length), so the limit is enforced while reading, not from a header.
    const chunked = await raw('/api/datasets.import', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: big,
    });
    expect(chunked.status).toBe(413);
    const declared = await raw('/api/datasets.import', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'content-length': String(big.length) },
      body: big,
    });
    expect(declared.status).toBe(413);
  });

  it('refuses unknown methods (404), GET (405) and non-JSON bodies (415)', async () => {
    expect((await api('datasets.explode', {})).status).toBe(404);
    expect((await raw('/api/datasets.list', { headers: auth })).status).toBe(405);
    expect(
      (
        await raw('/api/datasets.list', {
          method: 'POST',
          headers: { ...auth, 'content-type': 'text/plain' },
          body: '{}',
        })
      ).status,
    ).toBe(415);
  });
});

describe('ddl-lab serve: files and images', () => {
  it('refuses path traversal out of the renderer folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..\\secret.txt',
      '/%00index.html',
    ]) {
      const response = await raw(path, { headers: auth });
      expect(response.status, path).toBe(404);
      expect(response.body).not.toContain('root:x');
    }
  });

  it('serves images only by dataset id and image id, with thumbnails', async () => {
    const original = await raw('/media/1/7', { headers: auth });
    expect(original.status).toBe(200);
    expect(original.headers['content-type']).toBe('image/png');
    const thumb = await fetch(`${server.origin}/media/1/7?thumb=48`, { headers: auth });
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(48);
    expect((await raw('/media/1/7?thumb=5000', { headers: auth })).status).toBe(400);
    expect((await raw('/media/1/8', { headers: auth })).status).toBe(404);
  });

  it('refuses raw paths and traversal under /media', async () => {
    for (const path of [
      '/media?path=/etc/passwd',
      '/media/%2Fetc%2Fpasswd',
      '/media//etc/passwd',
      '/media/1/../../secret.txt',
      '/media/1/..%2f..%2fsecret.txt',
      `/media/1/${encodeURIComponent(join(root, 'secret.txt'))}`,
      '/media/1/7/../../../secret.txt',
      '/media/file:%2F%2F%2Fetc%2Fpasswd/1',
    ]) {
      const response = await raw(path, { headers: auth });
      expect(response.status, path).toBe(404);
      expect(response.body).not.toContain('root:x');
    }
  });
});

describe('ddl-lab serve: events', () => {
  const wsUrl = () => `${server.origin.replace('http', 'ws')}/api/events`;

  it('refuses the WebSocket without the token', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl());
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => {
        resolve(101);
        ws.close();
      });
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(401);
  });

  it('pushes lab events to a client holding the token', async () => {
    const ws = new WebSocket(wsUrl(), { headers: auth });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const received = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    bus.emit('run.status', { runId: '3', status: 'running', step: 0, backend: 'wasm', error: null });
    expect(await received).toEqual({
      type: 'run.status',
      payload: { runId: '3', status: 'running', step: 0, backend: 'wasm', error: null },
    });
    ws.close();
  });
});
