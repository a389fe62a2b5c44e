import { z } from './zod.js';

/** Verification pairs by the sides of their two images; every metric is reported per type. */
export const pairTypes = ['easy-easy', 'easy-hard', 'hard-hard'] as const;
export const pairTypeSchema = z.enum(pairTypes);
export type PairType = (typeof pairTypes)[number];
