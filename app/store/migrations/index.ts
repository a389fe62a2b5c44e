import { migration001 } from './001-datasets.js';
import { migration002 } from './002-runs.js';
import { migration003 } from './003-evaluations.js';
import { migration004 } from './004-lab-identity.js';
import { migration007 } from './007-run-notes-tags.js';
import type { Migration } from './types.js';

// Versions 5 and 6 belong to work on other branches (faces, experiments); until they land these
// placeholders keep the versions consecutive. MERGE: replace them with the real migration005/006.
const reserved = (version: number, name: string): Migration => ({ version, name, up: () => undefined });

// Every schema step, in order. Add new ones at the end with the next version number.
export const migrations: Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  reserved(5, 'reserved: faces'),
  reserved(6, 'reserved: experiments'),
  migration007,
];
