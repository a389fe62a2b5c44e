import { migration001 } from './001-datasets.js';
import { migration002 } from './002-runs.js';
import { migration003 } from './003-evaluations.js';
import { migration004 } from './004-lab-identity.js';
import { migration005 } from './005-image-faces.js';
import { migration006 } from './006-experiments.js';
import { migration007 } from './007-run-notes-tags.js';
import { migration008 } from './008-slurm.js';
import { migration009 } from './009-cache-format.js';
import type { Migration } from './types.js';

// Every schema step, in order. Add new ones at the end with the next version number.
export const migrations: Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
];
