import type { z } from 'zod';
import { LabApiError } from '../../../app/api/contract/index.js';

// Validation messages placed next to the field they are about: zod issue paths and the service's
// `invalid_params` field ("config.steps") become the form's field keys ("steps").

export type FieldErrors = Record<string, string>;

/** First message per field path, joined with dots ("schedule.warmupSteps"); form-wide issues under "". */
export function fieldErrorsFromZod(error: Pick<z.ZodError, 'issues'>, stripPrefix = ''): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    let path = issue.path.map(String).join('.');
    if (stripPrefix && (path === stripPrefix || path.startsWith(`${stripPrefix}.`)))
      path = path.slice(stripPrefix.length + 1);
    if (!(path in errors)) errors[path] = issue.message;
  }
  return errors;
}

/**
 * A service refusal as field errors: `invalid_params` with a field goes next to that field (the
 * message part about it, without the method prefix), anything else under "" (the form's banner).
 */
export function fieldErrorsFromLabError(error: unknown, stripPrefix = ''): FieldErrors {
  if (!(error instanceof LabApiError)) return { '': error instanceof Error ? error.message : String(error) };
  if (error.code !== 'invalid_params' || !error.field) return { '': error.message };
  const field =
    stripPrefix && error.field.startsWith(`${stripPrefix}.`) ? error.field.slice(stripPrefix.length + 1) : error.field;
  // issues are joined as "path: message; path: message" and a message may itself hold "; "
  const parts = error.message
    .replace(/^[\w.]+: invalid params: /, '')
    .split(/; (?=(?:[\w-]+\.)*[\w-]+: |\(params\): )/);
  const own = parts.find((part) => part.startsWith(`${error.field}: `));
  return { [field]: own ? own.slice(error.field.length + 2) : error.message };
}
