import { LabApiError } from '../contract/index.js';

/** The answer of a method whose lab core module is not built yet: honest, never made-up data. */
export function notAvailable(method: string, module: string): never {
  throw new LabApiError(
    'not_available',
    `${method} is not available yet: it needs ${module}, which this build of DDL Lab does not have yet.`,
  );
}

export function notFound(what: string, id: string): never {
  throw new LabApiError('not_found', `No ${what} with id "${id}". List them to see which exist.`);
}
