import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { labIpcEventChannel, type LabBridge, type LabEvent } from '../../app/api/contract/index.js';
import { createLabService, type LabService } from '../../app/api/service/index.js';
import { registerLabIpc } from './ipc.js';
import { recorded } from './test-support/fake-electron.js';

vi.mock('electron', () => import('./test-support/fake-electron.js'));

// The preload with `electron` mocked: it exposes exactly the LabApi bridge, and calls made through
// it reach the real service through the real IPC handlers.

let dataDir: string;
let service: LabService;
let bridge: LabBridge;

beforeAll(async () => {
  recorded.reset();
  dataDir = mkdtempSync(join(tmpdir(), 'ddl-lab-preload-'));
  service = createLabService({ dataDir, shell: 'electron' });
  registerLabIpc(service);
  await import('./preload.js');
  bridge = recorded.exposed.get('labApi') as LabBridge;
});

afterAll(async () => {
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('preload', () => {
  it('exposes only window.labApi with invoke and onEvent (no ipcRenderer, no Node)', () => {
    expect([...recorded.exposed.keys()]).toEqual(['labApi']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onEvent']);
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/ipc|require|process/);
  });

  it('carries a call through IPC to the service and back', async () => {
    const response = await bridge.invoke('system.info', {});
    expect(response).toMatchObject({ ok: true, result: { shell: 'electron', dataDir } });
    expect(recorded.ipcInvocations.at(-1)?.channel).toBe('lab:call:system.info');
  });

  it('refuses malformed method names without touching IPC', async () => {
    const before = recorded.ipcInvocations.length;
    for (const method of ['', '../secret', 'lab:event', 'system.info; rm', 42 as unknown as string]) {
      expect(await bridge.invoke(method, {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    expect(recorded.ipcInvocations.length).toBe(before);
  });

  it('answers not_found for a well-formed name that is not a LabApi method', async () => {
    expect(await bridge.invoke('datasets.explode', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('returns the validation error of bad params', async () => {
    expect(await bridge.invoke('datasets.images', { datasetId: 'x', offset: -5 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_params', field: 'offset' },
    });
  });

  it('delivers lab events without the IPC event object, and unsubscribes', () => {
    const seen: unknown[] = [];
    const unsubscribe = bridge.onEvent((e) => seen.push(e));
    const labEvent: LabEvent = {
      type: 'run.status',
      payload: { runId: '1', status: 'running', step: 3, backend: 'wasm', error: null },
    };
    const listeners = [...(recorded.ipcRendererListeners.get(labIpcEventChannel) ?? [])];
    expect(listeners).toHaveLength(1);
    listeners[0]!({ sender: 'ipc internals' }, labEvent);
    expect(seen).toEqual([labEvent]);
    unsubscribe();
    expect(recorded.ipcRendererListeners.get(labIpcEventChannel)?.size).toBe(0);
  });
});
