import { LabApiError } from '../contract/index.js';

// Contract ids are strings; the store's are SQLite integers.

/** The integer id behind a contract id, or a not_found error naming what was looked for. */
export function dbId(id: string, what: string): number {
  if (!/^\d{1,15}$/.test(id))
    throw new LabApiError('not_found', `No ${what} with id "${id}" (${what} ids are whole numbers).`);
  return Number(id);
}

export function apiId(id: number): string {
  return String(id);
}
