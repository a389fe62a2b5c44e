import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheLocation } from '../../data/cache-location.js';
import type { JobInfo, LabEvent } from '../contract/index.js';
import { createLabService } from './lab-service.js';
import { serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// The service over a real data directory: a real SynthFaces set generated and imported through a
// job, a real folder with a broken file, real split evaluation, real thumbnails.

let root: string;
let service: LabService;
const events: LabEvent[] = [];

const { call, refused } = serviceCalls(() => service);

function finished(jobId: string): Promise<JobInfo> {
  return new Promise((resolve) => {
    const seen = events.find((e) => e.type === 'job.finished' && e.payload.id === jobId);
    if (seen) return resolve(seen.payload as JobInfo);
    const stop = service.subscribe((e) => {
      if (e.type === 'job.finished' && e.payload.id === jobId) {
        stop();
        resolve(e.payload);
      }
    });
  });
}

let synthId: string;
const poseRule = {
  hard: {
    combine: 'or' as const,
    conditions: [{ kind: 'attribute' as const, attribute: 'yaw', op: '>=' as const, value: 45, abs: true }],
  },
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ddl-lab-service-'));
  service = createLabService({ dataDir: join(root, 'data'), shell: 'test' });
  service.subscribe((e) => events.push(e));
  const { jobId } = await call('synth.generate', { preset: 'pose', identities: 12, perIdentity: 5, size: 32, seed: 7 });
  const job = await finished(jobId);
  expect(job.status, job.error ?? '').toBe('completed');
  synthId = job.result!.datasetId!;
});

afterAll(async () => {
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('datasets', () => {
  it('generates SynthFaces and imports it through one job, with progress events', () => {
    const progress = events.filter((e) => e.type === 'job.progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(new Set(progress.map((e) => (e.payload as JobInfo).phase))).toContain('generating');
  });

  it('lists and describes the dataset with its attributes and pair list', async () => {
    const { datasets } = await call('datasets.list', {});
    expect(datasets).toHaveLength(1);
    expect(datasets[0]).toMatchObject({
      id: synthId,
      kind: 'synth',
      status: 'ready',
      imageCount: 60,
      identityCount: 12,
      badFileCount: 0,
    });
    const detail = await call('datasets.get', { datasetId: synthId });
    const yaw = detail.attributes.find((a) => a.name === 'yaw');
    expect(yaw).toMatchObject({ kind: 'numeric', source: 'file' });
    expect(yaw!.min).toBeLessThan(0);
    expect(detail.attributes.find((a) => a.name === 'sharpness')).toMatchObject({ source: 'measured' });
    expect(detail.pairLists).toHaveLength(1);
    expect(detail.pairLists[0]!.pairCount).toBeGreaterThan(0);
    expect(Object.keys(detail.pairLists[0]!.byType).sort()).toEqual(['easy-easy', 'easy-hard', 'hard-hard']);
  });

  it('pages images, filtered by attribute and identity', async () => {
    const all = await call('datasets.images', { datasetId: synthId, offset: 0, limit: 10 });
    expect(all.total).toBe(60);
    expect(all.items).toHaveLength(10);
    const frontal = await call('datasets.images', {
      datasetId: synthId,
      limit: 100,
      filters: [{ attribute: 'yaw', op: '<', value: 30, abs: true }],
    });
    expect(frontal.total).toBeGreaterThan(0);
    expect(frontal.total).toBeLessThan(60);
    for (const image of frontal.items) expect(Math.abs(image.attributes.yaw as number)).toBeLessThan(30);
    const identity = all.items[0]!.identity;
    const one = await call('datasets.images', { datasetId: synthId, limit: 100, identity });
    expect(one.total).toBe(5);
    expect(one.items.every((i) => i.identity === identity)).toBe(true);
    const second = await call('datasets.images', { datasetId: synthId, offset: 58, limit: 10 });
    expect(second.items).toHaveLength(2);
  });

  it('explains a filter on an attribute the dataset does not have', async () => {
    const error = await refused('datasets.images', {
      datasetId: synthId,
      filters: [{ attribute: 'age', op: '>', value: 3 }],
    });
    expect(error).toMatchObject({ code: 'invalid_params', field: 'filters.0.attribute' });
    expect(error.message).toMatch(/no attribute "age"/);
  });

  it('gives identities largest first and attribute histograms ready for a chart', async () => {
    const identities = await call('datasets.identities', { datasetId: synthId, limit: 5 });
    expect(identities.total).toBe(12);
    expect(identities.items[0]!.imageCount).toBe(5);
    const { histograms } = await call('datasets.histograms', { datasetId: synthId, attributes: ['yaw'], bins: 6 });
    const yaw = histograms[0]!;
    expect(yaw.kind).toBe('numeric');
    if (yaw.kind === 'numeric') expect(yaw.bins.reduce((n, b) => n + b.count, 0)).toBe(60);
  });

  it('serves an image and a thumbnail by id, and nothing for an id of another dataset', async () => {
    const page = await call('datasets.images', { datasetId: synthId, limit: 1 });
    const thumb = await service.openImage(synthId, page.items[0]!.id, 64);
    const chunks: Buffer[] = [];
    for await (const chunk of thumb.data) chunks.push(chunk as Buffer);
    const meta = await sharp(Buffer.concat(chunks)).metadata();
    expect(thumb.contentType).toBe('image/webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(64);
    const original = await service.openImage(synthId, page.items[0]!.id);
    expect(original.contentType).toBe('image/jpeg');
    original.data.destroy();
    await expect(service.openImage('999', page.items[0]!.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.openImage(synthId, '../../etc/passwd')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('imports a folder by path as a job, recording the bad file and keeping the rest', async () => {
    const folder = join(root, 'faces');
    for (const person of ['ann', 'bob']) {
      mkdirSync(join(folder, person), { recursive: true });
      for (let k = 0; k < 2; k++) {
        await sharp({
          create: {
            width: 40,
            height: 40,
            channels: 3,
            background: { r: 40 * k + (person === 'ann' ? 0 : 100), g: 90, b: 20 },
          },
        })
          .jpeg()
          .toFile(join(folder, person, `${k}.jpg`));
      }
    }
    writeFileSync(join(folder, 'bob', 'notes.jpg'), 'this is not an image');
    const { jobId } = await call('datasets.import', { path: folder, name: 'two people' });
    const job = await finished(jobId);
    expect(job.status, job.error ?? '').toBe('completed');
    const id = job.result!.datasetId!;
    const detail = await call('datasets.get', { datasetId: id });
    expect(detail).toMatchObject({ name: 'two people', imageCount: 4, identityCount: 2, badFileCount: 1 });
    const bad = await call('datasets.badFiles', { datasetId: id });
    expect(bad.items).toEqual([
      expect.objectContaining({ source: 'image', path: 'bob/notes.jpg', reason: 'not an image' }),
    ]);
    expect(await call('datasets.remove', { datasetId: id })).toEqual({
      removed: true,
      images: 4,
      splits: 0,
      pairLists: 0,
      runs: [],
      evaluations: 0,
      folders: [join(cacheLocation(join(root, 'data')).dir, `dataset-${id}`)],
    });
    expect((await refused('datasets.get', { datasetId: id })).code).toBe('not_found');
  });

  it('refuses to import a relative or missing path, naming the field', async () => {
    expect(await refused('datasets.import', { path: 'faces' })).toMatchObject({
      code: 'invalid_params',
      field: 'path',
    });
    expect(await refused('datasets.import', { path: join(root, 'nope') })).toMatchObject({
      code: 'invalid_params',
      field: 'path',
    });
  });

  it('cancels a job', async () => {
    const { jobId } = await call('synth.generate', {
      preset: 'pose',
      identities: 50,
      perIdentity: 10,
      size: 32,
      seed: 1,
    });
    await call('jobs.cancel', { jobId });
    const job = await finished(jobId);
    expect(job.status).toBe('cancelled');
    expect((await call('jobs.list', {})).jobs.map((j) => j.id)).toContain(jobId);
    expect((await call('datasets.list', {})).datasets.map((d) => d.id)).toEqual([synthId]);
  });
});

describe('splits', () => {
  it('previews counts live, saves, lists and reads back the split', async () => {
    const summary = await call('splits.preview', { datasetId: synthId, definition: poseRule });
    expect(summary.easyImages + summary.hardImages).toBe(60);
    expect(summary.hardImages).toBeGreaterThan(0);
    expect(summary.perAttribute.find((a) => a.attribute === 'yaw')?.bins?.length).toBeGreaterThan(0);
    const saved = await call('splits.save', { datasetId: synthId, definition: poseRule, name: 'large yaw' });
    expect(saved.summary.hardImages).toBe(summary.hardImages);
    expect((await call('splits.list', { datasetId: synthId })).splits.map((s) => s.name)).toContain('large yaw');
    expect((await call('splits.get', { splitId: saved.id })).definition).toEqual(poseRule);
    expect(await refused('splits.save', { datasetId: synthId, definition: poseRule, name: 'large yaw' })).toMatchObject(
      { code: 'conflict', field: 'name' },
    );
    const hardOnly = await call('datasets.images', { datasetId: synthId, splitId: saved.id, side: 'hard', limit: 100 });
    expect(hardOnly.total).toBe(summary.hardImages);
  });

  it('gives boundary examples from both sides, closest first', async () => {
    const { easy, hard } = await call('splits.boundary', { datasetId: synthId, definition: poseRule, perSide: 3 });
    expect(easy).toHaveLength(3);
    expect(hard).toHaveLength(3);
    for (const image of easy) expect(Math.abs(image.attributes.yaw as number)).toBeLessThan(45);
    for (const image of hard) expect(Math.abs(image.attributes.yaw as number)).toBeGreaterThanOrEqual(45);
    expect(easy[0]!.margin!).toBeLessThanOrEqual(easy[2]!.margin!);
  });

  it('explains a rule naming an attribute the dataset lacks', async () => {
    const error = await refused('splits.preview', {
      datasetId: synthId,
      definition: {
        hard: { combine: 'and', conditions: [{ kind: 'attribute', attribute: 'age', op: '>', value: 60 }] },
      },
    });
    expect(error.code).toBe('invalid_params');
    expect(error.message).toMatch(/age/);
    expect(error.field).toMatch(/^definition\.hard/);
  });
});

describe('runs', () => {
  it('refuses a config app/train finds wrong, with its explanation', async () => {
    const split = (await call('splits.list', { datasetId: synthId })).splits[0]!;
    const error = await refused('runs.create', {
      config: {
        datasetId: synthId,
        splitId: split.id,
        stage: 1,
        backbone: { name: 'ir-lite', inputSize: 32 },
        head: { type: 'arcface' },
        batchSize: 8,
        steps: 5,
        lr: 0.1,
        parentRunId: '4',
      },
    });
    expect(error).toMatchObject({ code: 'invalid_params', field: 'config.parentRunId' });
    const noParent = await refused('runs.create', {
      config: {
        datasetId: synthId,
        splitId: split.id,
        stage: 2,
        parentRunId: '999',
        batchSize: 4,
        steps: 5,
        lr: 0.001,
      },
    });
    expect(noParent.code).toBe('invalid_params');
    expect(noParent.message).toMatch(/999/);
  });

  it('refuses evaluations of unknown runs and evaluations, and lists none before any', async () => {
    const detail = await call('datasets.get', { datasetId: synthId });
    expect((await refused('evaluations.run', { runId: '77', pairListId: detail.pairLists[0]!.id })).code).toBe(
      'not_found',
    );
    expect((await refused('evaluations.get', { evaluationId: '5' })).code).toBe('not_found');
    expect((await call('evaluations.list', {})).evaluations).toEqual([]);
    expect(
      (await refused('splits.distributions', { datasetId: synthId, definition: poseRule, runId: '77' })).code,
    ).toBe('not_found');
  });

  it('lists no runs and answers not_found for an unknown one', async () => {
    expect((await call('runs.list', {})).runs).toEqual([]);
    expect((await refused('runs.get', { runId: '42' })).code).toBe('not_found');
    expect((await refused('runs.metrics', { runId: 'x' })).code).toBe('not_found');
  });
});
