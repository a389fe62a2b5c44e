import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { labIpcMethodChannel } from '../../app/api/contract/index.js';
import { adaptersForTests } from '../../app/engine/webgpu-test-env.js';
import { createSynthFixture, type SynthFixture } from '../../app/train/test-support/synth-fixture.js';
import { getRunRecord, insertRun } from '../../app/store/runs-repository.js';
import { checkRunRequest } from '../../app/train/run-checks.js';
import { recorded, utilityProcess } from './test-support/fake-electron.js';
import { utilityProcessLauncher } from './utility-process-launcher.js';

vi.mock('electron', () => import('./test-support/fake-electron.js'));

// WebGPU in the desktop app, with Electron mocked: the main process's engine (system.info over
// IPC) and the bundled run worker that utilityProcess starts (forked by Node here) both run on
// the adapter Dawn finds when LAB_BACKEND=webgpu (SwiftShader here and in CI).

const adapters = await adaptersForTests(); // also sets VK_ICD_FILENAMES for this process and its children
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(projectRoot, 'dist', `electron-webgpu-test-${process.pid}`);
let root: string;
let fixture: SynthFixture | undefined;
/** Said in a test's name only when it is skipped for it. */
const noAdapter = adapters.length === 0 ? ' (skipped: Dawn finds no WebGPU adapter at all)' : '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ddl-lab-electron-webgpu-'));
});
afterAll(() => {
  fixture?.cleanup();
  rmSync(root, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

describe('Electron and webgpu', () => {
  it('utility processes get the GPU selection of the app (LAB_BACKEND, LAB_GPU, the Vulkan driver)', () => {
    recorded.reset();
    const saved = { ...process.env };
    Object.assign(process.env, { LAB_BACKEND: 'webgpu', LAB_GPU: 'low-power', VK_ICD_FILENAMES: '/icd.json' });
    try {
      utilityProcessLauncher('/app/run-worker.cjs').launch({ args: [], logFile: join(root, 'w.log') });
    } finally {
      for (const key of ['LAB_BACKEND', 'LAB_GPU', 'VK_ICD_FILENAMES']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
    expect(recorded.utilityForks[0]!.options.env).toMatchObject({
      LAB_BACKEND: 'webgpu',
      LAB_GPU: 'low-power',
      VK_ICD_FILENAMES: '/icd.json',
    });
    expect(utilityProcess).toBeDefined();
  });

  it.skipIf(adapters.length === 0)(
    `the main process engine answers system.info on webgpu with its adapter${noAdapter}`,
    async () => {
      mkdirSync(join(root, 'app', 'dist', 'renderer'), { recursive: true });
      writeFileSync(join(root, 'app', 'dist', 'renderer', 'index.html'), '<!doctype html><title>DDL Lab</title>');
      process.env.FAKE_ELECTRON_APP_PATH = join(root, 'app');
      process.env.FAKE_ELECTRON_USER_DATA = join(root, 'user-data');
      process.env.LAB_BACKEND = 'webgpu';
      recorded.reset();
      await import('./main.js');
      await vi.waitFor(() => expect(recorded.windows).toHaveLength(1));
      const handler = recorded.ipcHandlers.get(labIpcMethodChannel('system.info'))!;
      const info = (await handler({ senderFrame: { url: 'lab-app://renderer/index.html' } }, {})) as {
        ok: boolean;
        result: { backend: string; adapter: { software: boolean } | null; backendsTried: { name: string }[] };
      };
      delete process.env.LAB_BACKEND;
      expect(info.ok).toBe(true);
      expect(info.result.backend).toMatch(/^webgpu \(/);
      expect(info.result.adapter).toMatchObject({ software: expect.any(Boolean) });
      expect(info.result.backendsTried.map((b) => b.name)).toEqual(['webgpu']);
    },
  );

  it.skipIf(adapters.length === 0)(
    `the bundled run worker trains a run on webgpu and records the adapter${noAdapter}`,
    async () => {
      const script = join(projectRoot, 'scripts', 'build-electron.mjs');
      const { buildElectron } = (await import(script)) as { buildElectron(out: string): Promise<string[]> };
      expect(await buildElectron(outDir)).toEqual([]);
      fixture = await createSynthFixture({ identities: 6, perIdentity: 4 });
      const { db, dataDir, datasetId, splitId } = fixture;
      const config = {
        stage: 1,
        backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 8, widths: [4, 4, 4, 4], depths: [1, 1, 1, 1] },
        head: { type: 'cosface' },
        batchSize: 6,
        steps: 2,
        lr: 0.05,
      };
      const checked = checkRunRequest(db, { datasetId, splitId, config });
      const run = insertRun(db, {
        datasetId,
        splitId,
        stage: 1,
        parentRunId: null,
        config: checked.config,
        seed: checked.config.seed,
        totalSteps: checked.config.steps,
      });
      const logFile = join(root, 'run-worker.log');
      const code = await new Promise<number | null>((done) => {
        const child = fork(join(outDir, 'run-worker.cjs'), ['--data-dir', dataDir, '--run', String(run.id)], {
          env: { ...process.env, LAB_BACKEND: 'webgpu', VITEST: '' },
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        });
        let log = '';
        child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
        child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
        child.on('exit', (exitCode) => {
          writeFileSync(logFile, log);
          done(exitCode);
        });
      });
      expect(code, readFileSync(logFile, 'utf8')).toBe(0);
      const record = getRunRecord(db, run.id)!;
      expect(record.status, record.error ?? readFileSync(logFile, 'utf8')).toBe('completed');
      expect(record.backend).toMatch(/^webgpu \(.+, (software|hardware) adapter\)$/);
      expect(readFileSync(logFile, 'utf8')).toMatch(/run-worker: run \d+ on webgpu/);
    },
    600_000, // bundling, then SwiftShader compiling every shader on the CPU
  );
});
