import { z } from './zod.js';

/** Verification pairs by the sides of their two images; every metric is reported per type. */
export const pairTypes = ['easy-easy', 'easy-hard', 'hard-hard'] as const;
export const pairTypeSchema = z.enum(pairTypes);
export type PairType = (typeof pairTypes)[number];

const pairTypeNames = new Set<string>(pairTypes);
/** Whether a stored or written type (a pair list's `type` column, a report's set name) is one of ours. */
export const isPairType = (type: string | null | undefined): type is PairType =>
  type !== null && type !== undefined && pairTypeNames.has(type);
