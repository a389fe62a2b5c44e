import { fork } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobInfo, LabMethod, LabParams, LabResult } from '../../app/api/contract/index.js';
import { dispatchLabCall } from '../../app/api/dispatch.js';
import { createLabService } from '../../app/api/service/index.js';
import type { RunProcessLauncher } from '../../app/process/process-launcher.js';
import { workerEntry } from '../../app/util/worker-entry.js';

// What `npm start` runs: the esbuild bundles of main, preload, the run and evaluation workers and
// the import's decode thread.
// The preload must need nothing but `electron` (sandbox); the bundled run worker must train a real
// run and the bundled evaluation worker evaluate it and make a pretrained run (here forked by
// Node, as utilityProcess would start them in the app).

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Inside the project: the bundles load tfjs, sharp and better-sqlite3 from its node_modules.
const outDir = join(projectRoot, 'dist', `electron-test-${process.pid}`);
const dataDir = mkdtempSync(join(tmpdir(), 'ddl-lab-bundles-'));

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

function bundledWorkerLauncher(entry: string): RunProcessLauncher {
  return {
    launch({ args, logFile, env }) {
      mkdirSync(dirname(logFile), { recursive: true });
      const log = openSync(logFile, 'a');
      const child = fork(entry, args, { stdio: ['ignore', log, log, 'ipc'], env: { ...process.env, ...env } });
      closeSync(log);
      return {
        pid: child.pid,
        send: (command) => {
          if (child.connected) child.send(command);
        },
        onMessage: (listener) => {
          child.on('message', listener);
        },
        onExit: (listener) => {
          child.on('exit', (code, signal) => listener({ code, signal }));
        },
        kill: () => {
          child.kill('SIGKILL');
        },
      };
    },
  };
}

describe('Electron bundles', () => {
  it('bundle, with a preload that requires only electron', async () => {
    const script = join(projectRoot, 'scripts', 'build-electron.mjs');
    const { buildElectron } = (await import(script)) as { buildElectron(out: string): Promise<string[]> };
    expect(await buildElectron(outDir)).toEqual([]);
    const preload = readFileSync(join(outDir, 'preload.cjs'), 'utf8');
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
  });

  it('the bundled decode thread decodes a JPEG, and a bundle finds it beside itself as .cjs', async () => {
    const worker = new Worker(join(outDir, 'decode-worker.cjs'));
    try {
      const face = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#a06040' } })
        .jpeg()
        .toBuffer();
      const file = join(dataDir, 'face.jpg');
      writeFileSync(file, face);
      worker.postMessage({ id: 7, path: file, maxFileBytes: 1 << 20, decode: { size: 8, maxPixels: 1e6 } });
      const reply = await new Promise<{ id: number; kind: string; image?: { width: number } }>((done, fail) => {
        worker.once('message', done);
        worker.once('error', fail);
      });
      expect(reply).toMatchObject({ id: 7, kind: 'decoded', image: { width: 40 } });
    } finally {
      await worker.terminate();
    }
    expect(workerEntry(pathToFileURL(join(outDir, 'main.cjs')).href, 'decode-worker').path).toBe(
      join(outDir, 'decode-worker.cjs'),
    );
  });

  it('the bundled run worker trains a run end to end, the bundled evaluation worker evaluates it and makes a pretrained run', async () => {
    const service = createLabService({
      dataDir,
      shell: 'test',
      runLauncher: bundledWorkerLauncher(join(outDir, 'run-worker.cjs')),
      evaluationLauncher: bundledWorkerLauncher(join(outDir, 'eval-worker.cjs')),
    });
    const call = async <M extends LabMethod>(method: M, params: LabParams<M>) => {
      const response = await dispatchLabCall(service.handlers, method, params);
      if (!response.ok) throw new Error(`${method}: ${response.error.message}`);
      return response.result as LabResult<M>;
    };
    const until = <T>(test: (e: { type: string; payload: any }) => boolean) =>
      new Promise<T>((done) => {
        const stop = service.subscribe((e) => {
          if (test(e)) {
            stop();
            done(e.payload as T);
          }
        });
      });
    try {
      const synthDone = until<JobInfo>((e) => e.type === 'job.finished');
      await call('synth.generate', { preset: 'pose', identities: 12, perIdentity: 5, size: 32, seed: 2 });
      const datasetId = (await synthDone).result!.datasetId!;
      const split = await call('splits.save', {
        datasetId,
        name: 'yaw',
        definition: {
          hard: {
            combine: 'or',
            conditions: [{ kind: 'attribute', attribute: 'yaw', op: '>=', value: 45, abs: true }],
          },
        },
      });
      const ended = until<{ status: string; error: string | null; backend: string | null }>(
        (e) => e.type === 'run.status' && ['completed', 'failed', 'interrupted'].includes(e.payload.status),
      );
      const run = await call('runs.create', {
        config: {
          datasetId,
          splitId: split.id,
          stage: 1,
          backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 16 },
          head: { type: 'cosface' },
          batchSize: 12,
          steps: 3,
          lr: 0.05,
        },
      });
      const end = await ended;
      expect(end.status, end.error ?? '').toBe('completed');
      expect(end.backend).toBeTruthy();

      const pairList = (await call('datasets.get', { datasetId })).pairLists[0]!;
      const evaluated = until<JobInfo>((e) => e.type === 'job.finished');
      await call('evaluations.run', { runId: run.id, pairListId: pairList.id });
      const job = await evaluated;
      expect(job.status, job.error ?? '').toBe('completed');
      const evaluation = await call('evaluations.get', { evaluationId: job.result!.evaluationId! });
      expect(evaluation).toMatchObject({ runId: run.id, pairListId: pairList.id, checkpointStep: 3 });

      // The bundled evaluation worker also makes pretrained runs: MobileFaceNet read from node_modules.
      const pretrained = await call('models.pretrainedRun', { model: 'mobilefacenet', datasetId });
      expect(pretrained).toMatchObject({ stage: 1, status: 'completed', step: 0, totalSteps: 0 });
    } finally {
      await service.close();
    }
  });
});
