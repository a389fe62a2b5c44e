import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../contract/index.js';
import { createLabService } from './lab-service.js';
import { serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// "Find and align faces" over the LabApi: a folder of real photos imported with faces: 'detect';
// images carry their face (box, points) and datasets.cachedPixels serves the aligned crops.

const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
let root: string;
let service: LabService;
const { call, refused } = serviceCalls(() => service);

function finished(jobId: string): Promise<JobInfo> {
  return new Promise((resolve) => {
    const poll = async () => {
      const job = await call('jobs.get', { jobId });
      if (job.status === 'running') setTimeout(() => void poll(), 100);
      else resolve(job);
    };
    void poll();
  });
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ddl-lab-service-faces-'));
  service = createLabService({ dataDir: join(root, 'data'), shell: 'test' });
});

afterAll(async () => {
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('datasets.import with faces', () => {
  it('imports aligned faces with their box and points, and serves the aligned crops', async () => {
    const folder = join(root, 'photos');
    mkdirSync(join(folder, 'ann'), { recursive: true });
    mkdirSync(join(folder, 'eve'), { recursive: true });
    copyFileSync(join(demo, 'sample3.jpg'), join(folder, 'ann', '1.jpg'));
    copyFileSync(join(demo, 'sample5.jpg'), join(folder, 'eve', '1.jpg'));
    const { jobId } = await call('datasets.import', { path: folder, faces: 'detect' });
    const job = await finished(jobId);
    expect(job.status, job.error ?? '').toBe('completed');
    const datasetId = job.result!.datasetId!;
    const detail = await call('datasets.get', { datasetId });
    expect(detail.attributes.map((a) => a.name)).toEqual(expect.arrayContaining(['yaw', 'pitch', 'roll', 'faceSize']));
    const page = await call('datasets.images', { datasetId });
    expect(page.items).toHaveLength(2);
    for (const item of page.items) {
      expect(item.face).toMatchObject({ index: 0 });
      expect(item.face!.points).toHaveLength(5);
      expect(item.face!.box.width).toBeGreaterThan(100);
      expect(typeof item.attributes.yaw).toBe('number');
    }
    const one = await call('datasets.image', { datasetId, imageId: page.items[0]!.id });
    expect(one.face).toEqual(page.items[0]!.face);

    const pixels = await call('datasets.cachedPixels', { datasetId, imageIds: page.items.map((i) => i.id) });
    expect(pixels.size).toBe(112);
    expect(pixels.items.map((i) => i.imageId)).toEqual(page.items.map((i) => i.id));
    const png = Buffer.from(pixels.items[0]!.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([112, 112]);

    expect((await refused('datasets.cachedPixels', { datasetId, imageIds: ['img999999'] })).code).toBe('not_found');
    expect((await refused('datasets.import', { path: folder, faces: 'sometimes' as never })).code).toBe(
      'invalid_params',
    );
  }, 120_000);
});
