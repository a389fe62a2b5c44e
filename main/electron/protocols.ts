import { protocol } from 'electron';
import { Readable } from 'node:stream';
import { LabApiError, parseImageMediaPath, parseThumbnailSize } from '../../app/api/contract/index.js';
import type { LabService } from '../../app/api/service/index.js';
import { readStaticFile } from '../server/static-files.js';
import { appHost, appScheme, labImageScheme } from './schemes.js';
import { appContentSecurityPolicy } from './security.js';

// lab-app:// serves the built renderer folder (traversal-safe, CSP on every response);
// lab-image:// serves a registered dataset's image by dataset id + image id, never by path.

function textResponse(status: number, message: string): Response {
  return new Response(`${status}: ${message}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

export async function serveAppRequest(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  if (url.host !== appHost) return textResponse(404, 'not found');
  const file = await readStaticFile(rendererDir, url.pathname);
  if (!file) return textResponse(404, 'not found');
  return new Response(new Uint8Array(file.body), {
    status: 200,
    headers: {
      'content-type': file.contentType,
      'content-security-policy': appContentSecurityPolicy,
      'x-content-type-options': 'nosniff',
    },
  });
}

export async function serveImageRequest(service: LabService, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  const ids = parseImageMediaPath(`${url.host}${url.pathname}`);
  if (!ids) return textResponse(404, `images are served only as ${labImageScheme}://media/<datasetId>/<imageId>`);
  const thumb = parseThumbnailSize(url.searchParams.get('thumb'));
  if (thumb === null) return textResponse(400, 'thumb must be one of 48, 64, 96, 128, 192, 256');
  try {
    const image = await service.openImage(ids.datasetId, ids.imageId, thumb);
    return new Response(Readable.toWeb(image.data) as ReadableStream, {
      status: 200,
      headers: { 'content-type': image.contentType },
    });
  } catch (error) {
    const missing = error instanceof LabApiError && (error.code === 'not_found' || error.code === 'not_available');
    return textResponse(missing ? 404 : 500, error instanceof Error ? error.message : String(error));
  }
}

/** After app ready. */
export function registerProtocols(rendererDir: string, service: LabService): void {
  protocol.handle(appScheme, (request) => serveAppRequest(rendererDir, request.url));
  protocol.handle(labImageScheme, (request) => serveImageRequest(service, request.url));
}
