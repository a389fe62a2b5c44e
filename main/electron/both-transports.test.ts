import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { labIpcMethodChannel, labMethodNames } from '../../app/api/contract/index.js';
import { createLabService, type LabService } from '../../app/api/service/index.js';
import { serverMethods } from '../server/api-routes.js';
import { startServer, type RunningServer } from '../server/server.js';
import { ipcMethods, registerLabIpc } from './ipc.js';
import { recorded } from './test-support/fake-electron.js';

vi.mock('electron', () => import('./test-support/fake-electron.js'));

// docs/architecture.md#layers: Electron IPC and HTTP are two transports of one contract. Every contract method
// must be reachable through both, and the contract must keep every documented method.

/** The documented LabApi: removing a method from the contract must be a deliberate change here too. */
const documentedMethods = [
  'system.info',
  'system.pickFolder',
  'datasets.import',
  'datasets.list',
  'datasets.get',
  'datasets.images',
  'datasets.image',
  'datasets.cachedPixels',
  'datasets.identities',
  'datasets.histograms',
  'datasets.badFiles',
  'datasets.remove',
  'synth.generate',
  'splits.preview',
  'splits.save',
  'splits.list',
  'splits.get',
  'splits.boundary',
  'splits.distributions',
  'runs.create',
  'runs.cancel',
  'runs.resume',
  'runs.list',
  'runs.get',
  'runs.metrics',
  'runs.histograms',
  'evaluations.run',
  'evaluations.get',
  'evaluations.list',
  'evaluations.failures',
  'evaluations.compare',
  'jobs.cancel',
  'jobs.get',
  'jobs.list',
  'experiments.list',
  'experiments.get',
  'experiments.create',
  'experiments.resume',
  'experiments.stop',
  'runs.update',
  'runs.removal',
  'runs.delete',
  'runs.tags',
  'runs.compare',
  'evaluations.benchmarks',
  'evaluations.table',
  'exports.file',
  'exports.compute',
  'exports.computed',
  'slurm.getSettings',
  'slurm.setSettings',
  'models.list',
  'models.pretrainedRun',
];

const token = 't'.repeat(48);
let dataDir: string;
let service: LabService;
let server: RunningServer;

beforeAll(async () => {
  recorded.reset();
  dataDir = mkdtempSync(join(tmpdir(), 'ddl-lab-transports-'));
  service = createLabService({ dataDir, shell: 'test' });
  registerLabIpc(service);
  server = await startServer({ host: '127.0.0.1', port: 0, token, rendererDir: join(dataDir, 'no-renderer'), service });
});

afterAll(async () => {
  await server.close();
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The error code a transport answers for a method called with no params (never "unknown method"). */
async function overHttp(method: string): Promise<{ status: number; code?: string; message?: string }> {
  const response = await fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await response.json()) as { ok: boolean; error?: { code: string; message: string } };
  return { status: response.status, code: body.error?.code, message: body.error?.message };
}

async function overIpc(method: string): Promise<{ registered: boolean; code?: string; message?: string }> {
  const handler = recorded.ipcHandlers.get(labIpcMethodChannel(method));
  if (!handler) return { registered: false };
  const body = (await handler({ senderFrame: { url: 'lab-app://renderer/index.html' } }, {})) as {
    ok: boolean;
    error?: { code: string; message: string };
  };
  return { registered: true, code: body.error?.code, message: body.error?.message };
}

describe('both transports expose the whole LabApi', () => {
  it('the contract holds every documented method and nothing undocumented', () => {
    expect([...labMethodNames].sort()).toEqual([...documentedMethods].sort());
  });

  it('the server routes and the IPC handlers each list every contract method', () => {
    for (const method of labMethodNames) {
      expect(serverMethods.has(method), `server: ${method}`).toBe(true);
      expect(ipcMethods.includes(method), `ipc: ${method}`).toBe(true);
      expect(typeof service.handlers[method], `service: ${method}`).toBe('function');
    }
  });

  it('every method is reached over HTTP and over IPC (validated, then handled: never "unknown method")', async () => {
    for (const method of labMethodNames) {
      const http = await overHttp(method);
      const ipc = await overIpc(method);
      expect(http.message ?? '', `http ${method}`).not.toMatch(/Unknown LabApi method/);
      expect(ipc.registered, `ipc ${method}`).toBe(true);
      expect(ipc.message ?? '', `ipc ${method}`).not.toMatch(/Unknown LabApi method/);
      // Both transports give the same answer for the same call.
      expect(ipc.code, method).toBe(http.code);
    }
  });

  it('an unknown method is refused by both', async () => {
    expect((await overHttp('datasets.explode')).status).toBe(404);
    expect((await overIpc('datasets.explode')).registered).toBe(false);
  });
});
