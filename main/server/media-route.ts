import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { LabApiError, parseImageMediaPath, parseThumbnailSize } from '../../app/api/contract/index.js';
import type { LabService } from '../../app/api/service/index.js';

// GET /media/<datasetId>/<imageId>[?thumb=N]: a registered dataset's image by id. Anything else
// under /media (paths, traversal, unknown ids) is refused: the server never reads a path it is given.

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${status}: ${message}\n`);
}

export async function handleMedia(url: URL, res: ServerResponse, service: LabService): Promise<void> {
  const ids = parseImageMediaPath(url.pathname);
  if (!ids) {
    refuse(res, 404, 'images are served only as /media/<datasetId>/<imageId>');
    return;
  }
  const thumb = parseThumbnailSize(url.searchParams.get('thumb'));
  if (thumb === null) {
    refuse(res, 400, 'thumb must be one of 48, 64, 96, 128, 192, 256');
    return;
  }
  let image;
  try {
    image = await service.openImage(ids.datasetId, ids.imageId, thumb);
  } catch (error) {
    const notFound = error instanceof LabApiError && (error.code === 'not_found' || error.code === 'not_available');
    refuse(res, notFound ? 404 : 500, error instanceof Error ? error.message : String(error));
    return;
  }
  res.writeHead(200, { 'content-type': image.contentType, 'cache-control': 'private, max-age=3600' });
  try {
    await pipeline(image.data, res);
  } catch {
    res.destroy();
  }
}
