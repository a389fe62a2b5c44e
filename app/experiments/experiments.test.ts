import { describe, expect, it } from 'vitest';
import { tempLabDatabases } from '../store/test-support/temp-lab-database.js';
import { createExperiment, findUnfinishedExperiment } from './experiments.js';

// Running the same file again must find the experiment it made: the stored spec is read back from
// a real lab database, where its keys come back in the schema's order rather than the file's.

const openDatabase = tempLabDatabases('ddl-experiments-');

describe('experiments', () => {
  it('finds the unfinished experiment a file made, and only for that file', () => {
    const db = openDatabase();
    const file = {
      variants: [{ stage2: { ddl: { teacherGradient: 'stop', lambdaPos: 3 } }, name: 'stop' }],
      seeds: { count: 2, first: 7 },
      stage2: { steps: 12 },
      name: 'keys in the file order',
      data: { imageSize: 32 },
    };
    const made = createExperiment(db, file);
    expect(findUnfinishedExperiment(db, file)?.id).toBe(made.id);
    expect(findUnfinishedExperiment(db, { ...file, stage2: { steps: 13 } })).toBeUndefined();
  });
});
