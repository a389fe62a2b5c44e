import { migration001 } from './001-datasets.js';
import { migration002 } from './002-runs.js';
import { migration003 } from './003-evaluations.js';
import { migration004 } from './004-lab-identity.js';
import { migration008 } from './008-slurm.js';
import type { Migration } from './types.js';

// Versions 5-7 belong to branches merged beside this one (faces, experiments, tooling); until they
// land, empty steps keep the versions consecutive. Replace each with the real migration on merge.
const pending = (version: number): Migration => ({ version, name: `reserved ${version}`, up: () => undefined });

// Every schema step, in order. Add new ones at the end with the next version number.
export const migrations: Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  pending(5),
  pending(6),
  pending(7),
  migration008,
];
