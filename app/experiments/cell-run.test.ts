import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { databasePath } from '../store/db.js';
import { getExperimentCell, insertExperiment } from '../store/experiments-repo.js';
import { tempLabDatabases } from '../store/test-support/temp-lab-database.js';
import { insertFakeSplit } from '../train/test-support/fake-dataset.js';
import { tinyStage1 } from '../train/test-support/tiny-stage1.js';
import { RunManager } from '../train/run-manager.js';
import { createCellRun } from './cell-run.js';

// An experiment creates a cell's run while run workers write to the same lab. Here another process
// holds the write lock for a second when the cell is created: the creation waits for it and
// succeeds (a deferred transaction failed at once with "database is locked").

const open = tempLabDatabases('ddl-cell-run-');

/** A child process that takes the lab's write lock, says so, holds it `ms`, then commits. */
async function holdWriteLock(file: string, ms: number) {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
       db.exec('BEGIN IMMEDIATE');
       db.exec("UPDATE experiments SET name = name");
       process.stdout.write('locked\\n');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
       db.exec('COMMIT');`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => String(chunk).includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code} before locking`)));
  });
  return child;
}

describe('createCellRun', () => {
  it('waits for a write lock another process holds, then creates the run and names it in the cell', async () => {
    const db = open();
    const dataDir = db.name.replace(/\/[^/]+$/, '');
    expect(databasePath(dataDir)).toBe(db.name);
    const { datasetId, splitId } = insertFakeSplit(db, { identities: 6, easyPerIdentity: 3, hardIdentities: 3 });
    const experiment = insertExperiment(db, 'locks', {});
    const manager = new RunManager(db, dataDir);
    const cell = { experimentId: experiment.id, seed: 1, variant: '', arm: 'stage1' as const };

    const holder = await holdWriteLock(db.name, 1000);
    const started = Date.now();
    const run = createCellRun(db, manager, cell, () => ({ datasetId, splitId, config: tinyStage1(5, 5) }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(500); // it waited for the holder
    expect(run.status).toBe('queued');
    expect(getExperimentCell(db, cell)?.runId).toBe(run.id);
    await once(holder, 'exit');
  }, 60_000);
});
