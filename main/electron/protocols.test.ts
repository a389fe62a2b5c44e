import { Readable } from 'node:stream';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { LabApiError } from '../../app/api/contract/index.js';
import type { LabService } from '../../app/api/service/index.js';
import { serveImageRequest } from './protocols.js';

vi.mock('electron', () => import('./test-support/fake-electron.js'));

// lab-image:// answers by (dataset id, image id) only, streaming what the service opens.

describe('lab-image:// protocol', () => {
  it('streams the image the service finds by id, as a thumbnail when asked', async () => {
    const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const opened: unknown[] = [];
    const service = {
      openImage: async (datasetId: string, imageId: string, thumb?: number) => {
        opened.push([datasetId, imageId, thumb]);
        if (imageId !== '9') throw new LabApiError('not_found', 'no such image');
        return { contentType: 'image/png', data: Readable.from(png) };
      },
    } as unknown as LabService;
    const response = await serveImageRequest(service, 'lab-image://media/2/9?thumb=96');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
    expect(opened).toEqual([['2', '9', 96]]);
    expect((await serveImageRequest(service, 'lab-image://media/2/10')).status).toBe(404);
    expect((await serveImageRequest(service, 'lab-image://media/2/9?thumb=13')).status).toBe(400);
    expect(opened).toHaveLength(2);
  });
});
