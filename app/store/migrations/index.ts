import { migration001 } from './001-datasets.js';
import { migration002 } from './002-runs.js';
import { migration003 } from './003-evaluations.js';
import { migration004 } from './004-lab-identity.js';
import { migration006 } from './006-experiments.js';
import type { Migration } from './types.js';

// Every schema step, in order. Add new ones at the end with the next version number.
// Version 5 is another branch's (faces); until it is merged this placeholder keeps the versions
// consecutive. At the merge, replace it with that migration.
const reserved005: Migration = { version: 5, name: 'reserved (faces)', up: () => {} };

export const migrations: Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  reserved005,
  migration006,
];
