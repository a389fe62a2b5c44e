import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../contract/index.js';
import { createLabService } from './lab-service.js';
import { serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// datasets.import with an insightface .bin (the Datasets page's path): the file itself is accepted
// where a folder is otherwise required; a broken file fails the job with the file named.

const fixtures = fileURLToPath(new URL('../../data/insightface/fixtures/', import.meta.url));
let dir: string;
let service: LabService;
const { call } = serviceCalls(() => service);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-service-insightface-'));
  service = createLabService({ dataDir: join(dir, 'data'), shell: 'test' });
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

function finished(jobId: string): Promise<JobInfo> {
  return new Promise((resolve) => {
    const poll = async () => {
      const job = await call('jobs.get', { jobId });
      if (job.status !== 'running') resolve(job);
      else setTimeout(() => void poll(), 50);
    };
    void poll();
  });
}

describe('datasets.import of an insightface .bin', () => {
  it('imports the file and its pair list; a truncated file fails the job naming it', async () => {
    const { jobId } = await call('datasets.import', { path: join(fixtures, 'lfw-like-p4.bin') });
    const job = await finished(jobId);
    expect(job.status, job.error ?? '').toBe('completed');
    const detail = await call('datasets.get', { datasetId: job.result!.datasetId! });
    expect(detail).toMatchObject({ name: 'lfw-like-p4', imageCount: 25 });
    expect(detail.pairLists).toEqual([expect.objectContaining({ pairCount: 20 })]);

    const truncated = join(dir, 'cut.bin');
    writeFileSync(truncated, readFileSync(join(fixtures, 'lfw-like-p4.bin')).subarray(0, 4000));
    const failed = await finished((await call('datasets.import', { path: truncated })).jobId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain(`${truncated}: the file ends at byte 4000`);
    expect((await call('datasets.list', {})).datasets).toHaveLength(1);
  });
});
