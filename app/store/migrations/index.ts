import type { Migration } from './types.js';

// Every schema step, in order. Add new ones at the end with the next version number.
export const migrations: Migration[] = [
];
