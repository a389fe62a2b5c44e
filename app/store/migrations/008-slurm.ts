import type { Migration } from './types.js';

// Where a run executes (app/executor): `local` (a child process of the lab, as before) or `slurm`
// (a batch job working on a run bundle). For an external executor the run also records its job id
// (`123` or `123_0` for an array task), the scheduler's last word on the job (PENDING, RUNNING,
// COMPLETED, FAILED...) and the bundle folder the lab imports results from. Existing runs are local.
export const migration008: Migration = {
  version: 8,
  name: 'slurm',
  up: (db) => {
    db.exec(`
      ALTER TABLE runs ADD COLUMN executor TEXT NOT NULL DEFAULT 'local';
      ALTER TABLE runs ADD COLUMN job_id TEXT;
      ALTER TABLE runs ADD COLUMN job_state TEXT;
      ALTER TABLE runs ADD COLUMN bundle_dir TEXT;
    `);
  },
};
