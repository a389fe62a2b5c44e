import type { IncomingMessage, ServerResponse } from 'node:http';
import { labMethodNames, type LabMethod, type LabResponse } from '../../app/api/contract/index.js';
import { dispatchLabCall, httpStatusForError } from '../../app/api/dispatch.js';
import type { LabService } from '../../app/api/service/index.js';
import { BodyTooLargeError, parseJsonBody, readBody } from './read-body.js';

// POST /api/<method> with a JSON body: one route per LabApi method, generated from the contract.

/** Every method this transport routes (a test checks it covers the whole contract). */
export const serverMethods: ReadonlySet<LabMethod> = new Set(labMethodNames);

function sendJson(
  res: ServerResponse,
  status: number,
  body: LabResponse<unknown>,
  extraHeaders: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...extraHeaders });
  res.end(JSON.stringify(body));
}

export async function handleApiCall(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  service: LabService,
  maxBodyBytes: number,
): Promise<void> {
  if (!(serverMethods as ReadonlySet<string>).has(method)) {
    sendJson(res, 404, { ok: false, error: { code: 'not_found', message: `Unknown LabApi method "${method}".` } });
    return;
  }
  if (req.method !== 'POST') {
    sendJson(
      res,
      405,
      { ok: false, error: { code: 'invalid_params', message: `${method}: use POST with a JSON body.` } },
      { allow: 'POST' },
    );
    return;
  }
  // A JSON content type forces a CORS preflight on cross-site requests, which this server never answers.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    sendJson(res, 415, {
      ok: false,
      error: {
        code: 'invalid_params',
        message: `${method}: send the params as JSON with content-type: application/json.`,
      },
    });
    return;
  }
  let params: unknown;
  try {
    const body = await readBody(req, maxBodyBytes);
    params = body.length === 0 ? {} : parseJsonBody(body.toString('utf8'));
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendJson(
        res,
        413,
        { ok: false, error: { code: 'invalid_params', message: `${method}: ${error.message}` } },
        { connection: 'close' },
      );
      req.destroy();
      return;
    }
    sendJson(res, 400, {
      ok: false,
      error: {
        code: 'invalid_params',
        message: `${method}: the body is not usable JSON (${error instanceof Error ? error.message : String(error)}).`,
      },
    });
    return;
  }
  const response = await dispatchLabCall(service.handlers, method, params);
  sendJson(res, response.ok ? 200 : httpStatusForError[response.error.code], response);
}
