import { z } from './zod.js';

/** Ids are opaque strings, safe in URLs and file names (SQLite integer ids are sent as strings). */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id: 1-64 letters, digits, "-" or "_"');
export type Id = z.infer<typeof idSchema>;
