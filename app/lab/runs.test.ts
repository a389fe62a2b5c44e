import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLabDatabase } from '../store/db.js';
import { getRunRecord, markRunStarted } from '../store/runs-repository.js';
import { insertFakeSplit } from '../train/test-support/fake-dataset.js';
import { openRunManager } from './runs.js';

// Read commands open the lab read-only and so cannot recover a run whose process died: they must
// still show it as recovery would leave it, and write nothing.

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

describe('runs seen through a read-only open', () => {
  it('shows a run whose process is gone as interrupted, with the reason, and leaves the row as it is', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ddl-lab-runs-read-'));
    folders.push(dataDir);
    const db = openLabDatabase(dataDir);
    const { datasetId, splitId } = insertFakeSplit(db, { identities: 3, easyPerIdentity: 2, hardIdentities: 3 });
    const { id } = db
      .prepare(
        `INSERT INTO runs (dataset_id, split_id, stage, config, status, seed, total_steps, created_at)
        VALUES (?, ?, 1, '{}', 'queued', 1, 10, ?) RETURNING id`,
      )
      .get(datasetId, splitId, new Date().toISOString()) as { id: number };
    markRunStarted(db, id, { pid: deadPid(), backend: 'cpu' });
    db.close();

    const reader = openLabDatabase(dataDir, { mode: 'read' });
    try {
      const manager = openRunManager({ db: reader, dataDir });
      const [listed] = manager.list();
      expect(listed!.status).toBe('interrupted');
      expect(listed!.error).toMatch(/the run process \(pid \d+\) is gone: .*no checkpoint, so resume starts it again/);
      expect(manager.get(id)!.status).toBe('interrupted');
      expect(getRunRecord(reader, id)!.status).toBe('running'); // nothing was written
    } finally {
      reader.close();
    }

    // A writing open recovers it for good, with the same reason.
    const writer = openLabDatabase(dataDir);
    try {
      openRunManager({ db: writer, dataDir });
      expect(getRunRecord(writer, id)!.status).toBe('interrupted');
    } finally {
      writer.close();
    }
  });
});
