import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPixelCacheManifest } from '../../data/pixel-cache.js';
import { writeImageFolder } from '../../data/test-fixtures.js';
import type { JobInfo } from '../contract/index.js';
import { createLabService } from './lab-service.js';
import { serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// datasets.import's `cache` field over the real service: png is stored with the dataset and its
// cache is written as PNGs; a format the contract does not know is refused naming the field.

let root: string;
let service: LabService;
const { call, refused } = serviceCalls(() => service);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ddl-service-cache-format-'));
  await writeImageFolder(join(root, 'faces'), { identities: 2, perIdentity: 3 });
  service = createLabService({ dataDir: join(root, 'data'), shell: 'test' });
});
afterAll(async () => {
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

function finished(jobId: string): Promise<JobInfo> {
  return new Promise((resolve) => {
    const stop = service.subscribe((e) => {
      if (e.type === 'job.finished' && e.payload.id === jobId) {
        stop();
        resolve(e.payload);
      }
    });
  });
}

describe('datasets.import cache', () => {
  it('imports with a png cache, whose thumbnails read back', async () => {
    const { jobId } = await call('datasets.import', { path: join(root, 'faces'), cache: 'png' });
    const job = await finished(jobId);
    expect(job.status, job.error ?? '').toBe('completed');
    const datasetId = Number(job.result!.datasetId!);
    expect(readPixelCacheManifest(join(root, 'data'), datasetId, 112)).toMatchObject({ encoding: 'png', count: 6 });
    const images = await call('datasets.images', { datasetId: job.result!.datasetId!, offset: 0, limit: 2 });
    const pixels = await call('datasets.cachedPixels', {
      datasetId: job.result!.datasetId!,
      imageIds: images.items.map((i) => i.id),
    });
    expect(pixels.items.map((i) => i.dataUrl.slice(0, 22))).toEqual([
      'data:image/png;base64,',
      'data:image/png;base64,',
    ]);
  });

  it('refuses an unknown cache format naming the field', async () => {
    expect(await refused('datasets.import', { path: join(root, 'faces'), cache: 'jpeg' })).toMatchObject({
      code: 'invalid_params',
      field: 'cache',
    });
  });
});
