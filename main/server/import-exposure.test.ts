import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabService, type LabService } from '../../app/api/service/index.js';
import { writeImageFolder } from '../../app/data/test-fixtures.js';
import { startServer, type RunningServer } from './server.js';

// What a token holder can read through `datasets.import` and /media on a real server: no file
// outside the dataset folder, nothing from /proc, /sys or /dev, no file content in bad-line
// reports, and no image that was swapped after import.

const token = 'c'.repeat(48);
const secret = 'TOP-SECRET-7f3a9c';
let root: string;
let service: LabService;
let server: RunningServer;

async function api(method: string, params: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: await response.json() };
}

async function importAndWait(params: Record<string, string>): Promise<any> {
  const started = await api('datasets.import', params);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  for (;;) {
    const job = (await api('jobs.get', { jobId: started.body.result.jobId })).body.result;
    if (job.status !== 'running' && job.status !== 'queued') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function media(datasetId: string, imageId: string, thumb?: number) {
  return fetch(`${server.origin}/media/${datasetId}/${imageId}${thumb ? `?thumb=${thumb}` : ''}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ddl-lab-import-exposure-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>DDL Lab</title>');
  service = createLabService({ dataDir: join(root, 'data'), shell: 'test' });
  server = await startServer({ host: '127.0.0.1', port: 0, token, rendererDir, service });
});

afterAll(async () => {
  await server?.close();
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('datasets.import: which files a token holder can make the lab read', () => {
  it('refuses a pairs or attributes file outside the dataset folder, naming the field', async () => {
    const faces = join(root, 'faces-outside');
    await writeImageFolder(faces, { identities: 2, perIdentity: 2 });
    const outside = join(root, 'private.txt');
    writeFileSync(outside, `alice ${secret}\n`, { mode: 0o600 });
    for (const [field, file] of [
      ['pairsFile', outside],
      ['attributesFile', outside],
      ['pairsFile', '/etc/passwd'],
      ['pairsFile', join(faces, '..', 'private.txt')],
    ] as const) {
      const response = await api('datasets.import', { path: faces, [field]: file });
      expect(response.status, `${field} ${file}`).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_params', field });
      expect(response.body.error.message).toMatch(/outside the dataset folder/);
      expect(JSON.stringify(response.body)).not.toContain(secret);
    }
  });

  it('never reads /proc, /sys or /dev, even through a link inside the dataset folder', async () => {
    const faces = join(root, 'faces-proc');
    await writeImageFolder(faces, { identities: 2, perIdentity: 2 });
    for (const file of ['/proc/self/environ', `/proc/${process.pid}/environ`, '/dev/zero']) {
      const response = await api('datasets.import', { path: faces, pairsFile: file });
      expect(response.status, file).toBe(400);
      expect(response.body.error.field).toBe('pairsFile');
    }
    // A default pairs file in the folder that links to another process's environment.
    symlinkSync(`/proc/${process.pid}/environ`, join(faces, 'pairs.txt'));
    const job = await importAndWait({ path: faces });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/pairs file .* is in \/proc, which DDL Lab never reads/);
  });

  it('reports a bad pairs file by line number and reason, without any of its content', async () => {
    const faces = join(root, 'faces-content');
    await writeImageFolder(faces, { identities: 2, perIdentity: 2 });
    const lines = [
      `root:x:0:0:${secret}:/root:/bin/bash`,
      `${secret} 1 2`,
      `${secret},id_000/img_00.png,1`,
      `id_000/img_00.png,${secret},maybe,${secret}`,
    ];
    writeFileSync(join(faces, 'pairs.txt'), `${lines.join('\n')}\n`, { mode: 0o600 });
    writeFileSync(join(faces, 'attributes.csv'), `${secret},yaw\nid_000/img_00.png,${secret}\n`, { mode: 0o600 });
    const job = await importAndWait({ path: faces });
    expect(job.status).toBe('completed');
    const datasetId = job.result.datasetId;
    const bad = (await api('datasets.badFiles', { datasetId, limit: 500 })).body.result;
    const pairIssues = bad.items.filter((b: { source: string }) => b.source === 'pairs');
    expect(pairIssues.length).toBeGreaterThan(0);
    expect(bad.items.some((b: { source: string }) => b.source === 'attributes')).toBe(true);
    expect(JSON.stringify(bad)).not.toContain(secret);
    expect(JSON.stringify(bad)).not.toContain('root:x');
    for (const issue of pairIssues) expect(issue.detail).toMatch(/^line \d+: /);
  });

  it('refuses to import system folders such as / and /etc', async () => {
    for (const path of ['/', '/etc', '/proc', '/usr']) {
      const response = await api('datasets.import', { path });
      expect(response.status, path).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_params', field: 'path' });
      expect(response.body.error.message).toMatch(/not a dataset/);
    }
  });

  it('names at most 20 files without an image extension; the rest are a count', async () => {
    const faces = join(root, 'faces-listing');
    await writeImageFolder(faces, { identities: 2, perIdentity: 2 });
    for (let i = 0; i < 60; i++) writeFileSync(join(faces, 'id_000', `private-note-${i}.txt`), 'x');
    const job = await importAndWait({ path: faces });
    const bad = (await api('datasets.badFiles', { datasetId: job.result.datasetId, limit: 500 })).body.result;
    const notImages = bad.items.filter((b: { reason: string }) => b.reason === 'not an image type');
    expect(notImages).toHaveLength(21);
    expect(notImages.filter((b: { path: string }) => b.path.includes('private-note-'))).toHaveLength(20);
    expect(notImages.at(-1).detail).toMatch(/and 40 more files without an image extension/);
  });
});

describe('/media: only the file that was imported', () => {
  let datasetId: string;
  let items: Array<{ id: string; path: string }>;
  let faces: string;

  beforeAll(async () => {
    faces = join(root, 'faces-media');
    await writeImageFolder(faces, { identities: 2, perIdentity: 3 });
    const job = await importAndWait({ path: faces });
    datasetId = job.result.datasetId;
    items = (await api('datasets.images', { datasetId, offset: 0, limit: 50 })).body.result.items;
    writeFileSync(join(root, 'secret.jpg'), `${secret}\n`, { mode: 0o600 });
  });

  const idOf = (path: string) => items.find((i) => i.path === path)!.id;

  it('serves an unchanged image, whole and as a thumbnail', async () => {
    const whole = await media(datasetId, idOf('id_000/img_00.png'));
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(readFileSync(join(faces, 'id_000/img_00.png')))).toBe(true);
    expect((await media(datasetId, idOf('id_000/img_00.png'), 48)).status).toBe(200);
  });

  it('refuses an image swapped for a symbolic link to a file outside the dataset', async () => {
    const file = join(faces, 'id_000/img_01.png');
    unlinkSync(file);
    symlinkSync(join(root, 'secret.jpg'), file);
    for (const thumb of [undefined, 64]) {
      const response = await media(datasetId, idOf('id_000/img_01.png'), thumb);
      const body = await response.text();
      expect(response.status).toBe(404);
      expect(body).not.toContain(secret);
      expect(body).toMatch(/outside the dataset folder/);
    }
  });

  it('refuses an image whose file changed since import (size or modification time)', async () => {
    const file = join(faces, 'id_001/img_00.png');
    const { mtime } = statSync(file);
    writeFileSync(file, readFileSync(join(faces, 'id_001/img_01.png')).subarray(0, 40));
    const changedSize = await media(datasetId, idOf('id_001/img_00.png'));
    expect(changedSize.status).toBe(404);
    expect(await changedSize.text()).toMatch(/changed since import/);
    // Same size, other content, a new modification time.
    const other = join(faces, 'id_001/img_02.png');
    const before = statSync(other);
    writeFileSync(other, Buffer.alloc(before.size, 7));
    utimesSync(other, before.atime, new Date(before.mtimeMs + 5000));
    expect((await media(datasetId, idOf('id_001/img_02.png'))).status).toBe(404);
    utimesSync(file, mtime, mtime);
  });
});
