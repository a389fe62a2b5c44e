import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLabDatabase, type LabDatabase } from '../store/db.js';
import { readLabId } from '../store/lab-meta.js';
import { insertCheckpoint } from '../store/runs-checkpoints.js';
import { getRunRecord, insertRun } from '../store/runs-repository.js';
import { runDirectory } from './checkpoint-files.js';
import { claimRunFolder, RunFolderError } from './run-folder.js';
import { RunManager, RunStateError } from './run-manager.js';
import { insertFakeSplit } from './test-support/fake-dataset.js';

// Run folders record their lab; a run never writes into another lab's runs/<id> (real files, real database).

const dirs: string[] = [];
const dbs: LabDatabase[] = [];
afterEach(() => {
  dbs.splice(0).forEach((db) => db.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});
function lab() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddl-run-folder-'));
  dirs.push(dataDir);
  const db = openLabDatabase(dataDir);
  dbs.push(db);
  const { datasetId, splitId } = insertFakeSplit(db, { identities: 3, easyPerIdentity: 2, hardIdentities: 3 });
  const runId = insertRun(db, { datasetId, splitId, stage: 1, config: {}, seed: 1, totalSteps: 10 }).id;
  return { dataDir, db, runId, dir: runDirectory(dataDir, runId) };
}
/** runs/<id> as another lab left it: its lab id and a checkpoint. */
function otherLabsFolder(dir: string, labId: string | null): void {
  mkdirSync(join(dir, 'checkpoints', 'step-000010'), { recursive: true });
  writeFileSync(join(dir, 'checkpoints', 'step-000010', 'state.json'), '{"step":10}');
  if (labId) writeFileSync(join(dir, 'lab-id'), `${labId}\n`);
}
const listing = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe('run folders', () => {
  it('a new run folder gets this lab id once; claiming it again is fine', () => {
    const { db, dataDir, runId, dir } = lab();
    expect(claimRunFolder(db, dataDir, runId)).toBe(dir);
    expect(readFileSync(join(dir, 'lab-id'), 'utf8')).toBe(`${readLabId(db)}\n`);
    expect(claimRunFolder(db, dataDir, runId)).toBe(dir);
  });

  it("refuses another lab's folder: starting the run fails it with the reason and writes nothing there", () => {
    const { db, dataDir, runId, dir } = lab();
    otherLabsFolder(dir, '00000000-0000-4000-8000-000000000000');
    const before = listing(dir);
    const manager = new RunManager(db, dataDir);
    expect(() => manager.start(runId)).toThrow(RunStateError);
    expect(() => claimRunFolder(db, dataDir, runId)).toThrow(
      new RegExp(
        `run folder ${dir} belongs to another lab \\(lab id 00000000-0000-4000-8000-000000000000; this lab is ${readLabId(db)}\\).*Move ${dir} out of`,
      ),
    );
    expect(listing(dir)).toEqual(before); // no worker.log, no lab-id overwritten
    expect(getRunRecord(db, runId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/another lab/) });
    // Deleting this lab's run record leaves the other lab's folder alone.
    manager.delete(runId);
    expect(listing(dir)).toEqual(before);
  });

  it('refuses a folder from before lab ids whose checkpoints the database does not know', () => {
    const { db, dataDir, runId, dir } = lab();
    otherLabsFolder(dir, null);
    expect(() => claimRunFolder(db, dataDir, runId)).toThrow(RunFolderError);
    expect(() => claimRunFolder(db, dataDir, runId)).toThrow(
      /holds checkpoints \(step-000010\) that this lab's database does not record/,
    );
  });

  it("adopts a folder from before lab ids whose checkpoints are this run's (resuming an upgraded lab's run)", () => {
    const { db, dataDir, runId, dir } = lab();
    otherLabsFolder(dir, null);
    insertCheckpoint(db, runId, 10);
    claimRunFolder(db, dataDir, runId);
    expect(readFileSync(join(dir, 'lab-id'), 'utf8').trim()).toBe(readLabId(db));
  });
});
