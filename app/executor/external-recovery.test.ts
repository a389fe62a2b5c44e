import { describe, expect, it } from 'vitest';
import { getRunExecution, setRunExecution } from '../store/runs-executor.js';
import { getRunRecord, insertRun, markRunStarted } from '../store/runs-repository.js';
import { tempLabDatabases } from '../store/test-support/temp-lab-database.js';
import { recoverInterruptedRuns, runAsSeenNow } from '../train/run-control.js';
import { RunManager } from '../train/run-manager.js';
import { insertFakeSplit } from '../train/test-support/fake-dataset.js';

// Start-up recovery marks runs whose local process is gone `interrupted`. A Slurm run has no
// local process: a lab restarted while its job runs must leave it to the slurm executor.

const openLab = tempLabDatabases('ddl-executor-recovery-');

describe('start-up recovery and external runs', () => {
  it('leaves a running Slurm run alone and still recovers a local run whose process is gone', async () => {
    const db = openLab();
    const { datasetId, splitId } = insertFakeSplit(db, { identities: 4, easyPerIdentity: 2, hardIdentities: 2 });
    const newRun = () => insertRun(db, { datasetId, splitId, stage: 1, config: {}, seed: 1, totalSteps: 10 });
    const local = newRun();
    const slurm = newRun();
    expect(getRunExecution(db, local.id)).toMatchObject({ executor: 'local', jobId: null }); // the column's default
    setRunExecution(db, slurm.id, {
      executor: 'slurm',
      jobId: '41_1',
      jobState: 'RUNNING',
      bundleDir: '/shared/run-2',
    });
    // As the import records them: running, no local pid (the slurm run), a dead pid (the local one).
    markRunStarted(db, local.id, { pid: 2 ** 22 + 7, backend: 'wasm' });
    db.prepare("UPDATE runs SET status = 'running' WHERE id = ?").run(slurm.id);

    const dead = () => false;
    expect(runAsSeenNow(db, getRunRecord(db, slurm.id)!, dead).status).toBe('running');
    expect(recoverInterruptedRuns(db, dead).map((r) => r.id)).toEqual([local.id]);
    expect(getRunRecord(db, slurm.id)?.status).toBe('running');
    expect(getRunExecution(db, slurm.id)).toMatchObject({ executor: 'slurm', jobId: '41_1', jobState: 'RUNNING' });

    // Nor may the local run manager cancel or resume it: it would lose track of the job.
    const manager = new RunManager(db, '/nonexistent');
    await expect(manager.cancel(slurm.id)).rejects.toThrow(
      /run \d+ is a Slurm job; cancel it with "ddl-lab slurm cancel \d+"/,
    );
    db.prepare("UPDATE runs SET status = 'interrupted' WHERE id = ?").run(slurm.id);
    expect(() => manager.resume(slurm.id)).toThrow(/resume it with "ddl-lab slurm resume \d+"/);
  });
});
