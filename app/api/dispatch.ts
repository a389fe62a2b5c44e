import {
  invalidParams,
  isLabMethod,
  LabApiError,
  labApiMethods,
  type LabApiHandlers,
  type LabErrorInfo,
  type LabResponse,
} from './contract/index.js';

// The one call path every transport uses: check the method, validate params against the
// contract (unknown keys refused, defaults filled), run the handler, check its result, and turn
// any failure into `{ ok: false, error }` so nothing crashes a transport.

export async function dispatchLabCall(
  handlers: LabApiHandlers,
  method: string,
  params: unknown,
): Promise<LabResponse<unknown>> {
  if (!isLabMethod(method)) {
    return { ok: false, error: { code: 'not_found', message: `Unknown LabApi method "${method}".` } };
  }
  const entry = labApiMethods[method];
  let parsed;
  try {
    parsed = entry.params.safeParse(params ?? {});
  } catch (error) {
    // Validation recurses once per nesting level: params nested deep enough exhaust the stack.
    if (!(error instanceof RangeError)) throw error;
    return {
      ok: false,
      error: { code: 'invalid_params', message: `${method}: the params are nested too deeply to be checked.` },
    };
  }
  if (!parsed.success) return { ok: false, error: invalidParams(method, parsed.error).toJSON() };
  try {
    const handler = handlers[method] as (p: unknown) => Promise<unknown>;
    const result = await handler(parsed.data);
    const checked = entry.result.safeParse(result);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue?.path.map(String).join('.') || '(result)';
      return {
        ok: false,
        error: {
          code: 'internal',
          message: `${method} returned a result that breaks the LabApi contract at ${where}: ${issue?.message}`,
        },
      };
    }
    return { ok: true, result: checked.data };
  } catch (error) {
    return { ok: false, error: toErrorInfo(method, error) };
  }
}

export function toErrorInfo(method: string, error: unknown): LabErrorInfo {
  if (error instanceof LabApiError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `${method} failed: ${message}` };
}

/** HTTP status for each error code (server mode). */
export const httpStatusForError: Record<LabErrorInfo['code'], number> = {
  invalid_params: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  internal: 500,
  not_available: 501,
};
