import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { JobInfo, LabEvent, LabMethod, LabParams, LabResult } from '../../app/api/contract/index.js';
import { createLabService, type LabService } from '../../app/api/service/index.js';
import { startServer, type RunningServer } from './server.js';

// The main job over HTTP against a real data directory, as a browser would do it: generate and
// import SynthFaces, make a split, train stage 1, fine-tune with DDL, evaluate, inspect failures.
// Tiny settings; events followed over the WebSocket.

const token = 's'.repeat(48);
let root: string;
let service: LabService;
let server: RunningServer;
let socket: WebSocket;
const events: LabEvent[] = [];
const waiters: Array<{ test: (e: LabEvent) => boolean; resolve: (e: LabEvent) => void }> = [];

async function call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>> {
  const response = await fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as { ok: boolean; result?: LabResult<M>; error?: { message: string } };
  if (!body.ok) throw new Error(`${method} (HTTP ${response.status}): ${body.error?.message}`);
  return body.result!;
}

function eventWhere(test: (e: LabEvent) => boolean): Promise<LabEvent> {
  const seen = events.find(test);
  return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ test, resolve }));
}

const jobDone = async (jobId: string) =>
  (await eventWhere((e) => e.type === 'job.finished' && e.payload.id === jobId)).payload as JobInfo;
const runEnded = async (runId: string) =>
  (
    await eventWhere(
      (e) =>
        e.type === 'run.status' &&
        e.payload.runId === runId &&
        ['completed', 'failed', 'cancelled', 'interrupted'].includes(e.payload.status),
    )
  ).payload as { status: string; error: string | null };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ddl-lab-sequence-'));
  mkdirSync(join(root, 'renderer'));
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>DDL Lab</title>');
  service = createLabService({ dataDir: join(root, 'data'), shell: 'test' });
  server = await startServer({ host: '127.0.0.1', port: 0, token, rendererDir: join(root, 'renderer'), service });
  socket = new WebSocket(`${server.origin.replace('http', 'ws')}/api/events`, {
    headers: { authorization: `Bearer ${token}` },
  });
  socket.on('message', (data) => {
    const event = JSON.parse(String(data)) as LabEvent;
    events.push(event);
    for (const waiter of [...waiters])
      if (waiter.test(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
});

afterAll(async () => {
  socket?.close();
  await server?.close();
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('import -> split -> train -> evaluate over HTTP', () => {
  let datasetId: string;
  let pairListId: string;
  let splitId: string;
  let stage1: string;
  let stage2: string;

  it('generates and imports SynthFaces, following the job over the WebSocket', async () => {
    const { jobId } = await call('synth.generate', {
      preset: 'pose',
      identities: 16,
      perIdentity: 6,
      size: 32,
      seed: 5,
    });
    const job = await jobDone(jobId);
    expect(job.status, job.error ?? '').toBe('completed');
    datasetId = job.result!.datasetId!;
    const detail = await call('datasets.get', { datasetId });
    expect(detail.imageCount).toBe(96);
    pairListId = detail.pairLists[0]!.id;
    const page = await call('datasets.images', { datasetId, limit: 1 });
    const thumb = await fetch(`${server.origin}/media/${datasetId}/${page.items[0]!.id}?thumb=48`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
  });

  it('makes a split on yaw', async () => {
    const split = await call('splits.save', {
      datasetId,
      name: 'large yaw',
      definition: {
        hard: { combine: 'or', conditions: [{ kind: 'attribute', attribute: 'yaw', op: '>=', value: 45, abs: true }] },
      },
    });
    expect(split.summary.usableIdentities).toBeGreaterThanOrEqual(4);
    splitId = split.id;
  });

  it('trains stage 1 with live progress events and recorded metrics', async () => {
    const run = await call('runs.create', {
      config: {
        datasetId,
        splitId,
        stage: 1,
        backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 32 },
        head: { type: 'arcface', s: 16 },
        batchSize: 16,
        steps: 6,
        lr: 0.05,
        checkpointEvery: 3,
      },
    });
    stage1 = run.id;
    const end = await runEnded(stage1);
    expect(end.status, end.error ?? '').toBe('completed');
    expect(events.some((e) => e.type === 'run.progress' && e.payload.runId === stage1)).toBe(true);
    const metrics = await call('runs.metrics', { runId: stage1 });
    expect(metrics.points.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Number.isFinite(metrics.points[5]!.terms.total)).toBe(true);
    const detail = await call('runs.get', { runId: stage1 });
    expect(detail.status).toBe('completed');
    expect(detail.backend).toBeTruthy();
    expect(detail.checkpoints.map((c) => c.step)).toContain(6);
  });

  it('fine-tunes with DDL from the stage-1 run and records the four histograms', async () => {
    const run = await call('runs.create', {
      config: {
        datasetId,
        splitId,
        stage: 2,
        parentRunId: stage1,
        objective: 'ddl',
        batchSize: 4,
        steps: 4,
        lr: 0.001,
        histogramEvery: 2,
      },
    });
    stage2 = run.id;
    const end = await runEnded(stage2);
    expect(end.status, end.error ?? '').toBe('completed');
    const metrics = await call('runs.metrics', { runId: stage2 });
    expect(Object.keys(metrics.points.at(-1)!.terms)).toEqual(
      expect.arrayContaining(['posKL', 'negKL', 'order', 'total']),
    );
    const histograms = await call('runs.histograms', { runId: stage2 });
    expect(histograms.availableSteps.length).toBeGreaterThan(0);
    expect(histograms.counts.teacherPositive).toBeGreaterThan(0);
    expect(histograms.rows.length).toBeGreaterThan(10);
    expect(events.some((e) => e.type === 'run.histograms' && e.payload.runId === stage2)).toBe(true);
  });

  it("previews a model-based split and the split's similarity distributions under the stage-1 model", async () => {
    const byModel = {
      hard: { combine: 'and' as const, conditions: [{ kind: 'percentile' as const, runId: stage1, below: 25 }] },
    };
    const summary = await call('splits.preview', { datasetId, definition: byModel });
    expect(summary.hardImages).toBeGreaterThan(0);
    expect(summary.hardImages).toBeLessThanOrEqual(Math.ceil(96 * 0.25));
    const poseSplit = await call('splits.get', { splitId });
    const distributions = await call('splits.distributions', {
      datasetId,
      definition: poseSplit.definition,
      runId: stage1,
    });
    expect(distributions.counts.teacherPositive).toBeGreaterThan(0);
    expect(distributions.counts.studentNegative).toBeGreaterThan(0);
    const mass = distributions.rows.reduce((sum, row) => sum + row.teacherPositive, 0);
    expect(mass).toBeCloseTo(1, 6);
    for (const value of Object.values(distributions.expectations)) expect(Math.abs(value!)).toBeLessThanOrEqual(1);
  });

  it('evaluates both runs on the pair list and shows the failures, worst first', async () => {
    for (const runId of [stage1, stage2]) {
      const { jobId } = await call('evaluations.run', { runId, pairListId });
      const job = await jobDone(jobId);
      expect(job.status, job.error ?? '').toBe('completed');
      const evaluation = await call('evaluations.get', { evaluationId: job.result!.evaluationId! });
      expect(evaluation.overall.pairs).toBeGreaterThan(0);
      expect(Object.keys(evaluation.byType)).toEqual(expect.arrayContaining(['easy-easy', 'easy-hard']));
      const failures = await call('evaluations.failures', { evaluationId: evaluation.id, limit: 10 });
      const rejects = failures.items.filter((f) => f.kind === 'false-reject').map((f) => f.score);
      expect(rejects).toEqual([...rejects].sort((a, b) => a - b));
    }
    const [a, b] = (await call('evaluations.list', {})).evaluations;
    const compared = await call('evaluations.compare', { a: a!.id, b: b!.id });
    expect(compared.rows.length).toBeGreaterThan(0);
  });
});
