import { z } from 'zod';

// Errors crossing a transport: a code the UI can branch on and a message a person can act on.

export const labErrorCodeSchema = z.enum([
  'invalid_params', // params failed the contract's schema; `field` names the first bad one
  'not_found', // an id that does not exist (dataset, run, evaluation, job...)
  'not_available', // the lab core behind this method is not built yet, or not in this shell
  'conflict', // the request clashes with the current state (e.g. resume a running run)
  'unauthorized', // server mode: missing or wrong token
  'internal', // a bug: the message says what failed
]);
export type LabErrorCode = z.infer<typeof labErrorCodeSchema>;

export const labErrorSchema = z.object({ code: labErrorCodeSchema, message: z.string(), field: z.string().optional() });
export type LabErrorInfo = z.infer<typeof labErrorSchema>;

/** Thrown by the service and by the client; transports carry it as `{ ok: false, error }`. */
export class LabApiError extends Error {
  readonly code: LabErrorCode;
  readonly field: string | undefined;

  constructor(code: LabErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'LabApiError';
    this.code = code;
    this.field = field;
  }

  toJSON(): LabErrorInfo {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }

  static from(info: LabErrorInfo): LabApiError {
    return new LabApiError(info.code, info.message, info.field);
  }
}

/** What every transport returns for a call. */
export type LabResponse<T> = { ok: true; result: T } | { ok: false; error: LabErrorInfo };

/** Turns a zod failure into an `invalid_params` error whose message starts with the field path. */
export function invalidParams(method: string, error: z.ZodError): LabApiError {
  const first = error.issues[0];
  const field = first && first.path.length > 0 ? first.path.map(String).join('.') : undefined;
  const details = error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(params)'}: ${issue.message}`)
    .join('; ');
  return new LabApiError('invalid_params', `${method}: invalid params: ${details}`, field);
}
