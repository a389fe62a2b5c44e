import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunRecord, type RunRecord } from '../store/runs-repository.js';
import { metricSeries } from '../store/runs-series.js';
import { recoverInterruptedRuns } from './run-control.js';
import { RunManager } from './run-manager.js';
import { waitUntil } from './test-support/processes.js';
import { createSynthFixture, type SynthFixture } from './test-support/synth-fixture.js';
import { tinyStage1 } from './test-support/tiny-stage1.js';

// A full disk while a run trains, for real: the lab lives on a small tmpfs that the test fills up,
// so SQLite's writes fail with SQLITE_FULL. The supervisor (this process, as in the app) must log
// it and keep going, and record the run's final status once space returns. Mounting needs root
// (CAP_SYS_ADMIN); elsewhere the test is skipped and says so.

const mountPoint = mkdtempSync(join(tmpdir(), 'ddl-full-disk-'));
const mounted = (() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    return true;
  } catch {
    rmdirSync(mountPoint);
    return false;
  }
})();

let fixture: SynthFixture | undefined;
beforeAll(async () => {
  if (mounted) fixture = await createSynthFixture({ identities: 16, perIdentity: 6, under: mountPoint });
});
afterAll(async () => {
  if (!mounted) return;
  fixture?.cleanup();
  // A run worker may still be exiting (its files on the mount open): wait for it, then detach.
  for (let attempt = 0; ; attempt++) {
    try {
      execFileSync('umount', [mountPoint], { stdio: 'ignore' });
      break;
    } catch {
      if (attempt >= 50) {
        execFileSync('umount', ['-l', mountPoint]);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  rmdirSync(mountPoint);
});

/** Writes `file` until the filesystem has no byte left. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 20, 4096, 1]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!mounted)('a full disk (tmpfs, needs root to mount)', () => {
  it('the supervisor survives SQLITE_FULL on the final status, logs it, and records interrupted once space returns', async () => {
    const { db, dataDir, datasetId, splitId } = fixture as SynthFixture;
    // An empty WAL: from here every write appends to it, so a full disk fails every write.
    db.pragma('wal_checkpoint(TRUNCATE)');
    const logs: string[] = [];
    const manager = new RunManager(db, dataDir, { log: (m) => logs.push(m) });
    const handle = manager.createAndStart({
      datasetId,
      splitId,
      config: tinyStage1(100_000, 100_000),
    });
    await waitUntil('2 recorded steps', () =>
      (metricSeries(db, handle.runId, { names: ['total'] }).total ?? []).length >= 2 ? true : undefined,
    );

    const filler = join(mountPoint, 'filler');
    fillDisk(filler);
    // The worker's own writes now fail too; kill it so the supervisor must write the final word.
    try {
      process.kill(handle.pid as number, 'SIGKILL');
    } catch {
      /* it already died of the full disk */
    }
    const atExit = await handle.done;
    expect(atExit.status).toBe('running'); // could not be written, and nothing threw
    expect(logs.join('\n')).toMatch(
      new RegExp(`run ${handle.runId}: could not record how its process ended \\(.*SQLITE_FULL\\).*trying again`),
    );
    expect(manager.list().map((r) => r.id)).toContain(handle.runId); // still serving
    // Start-up recovery on a full disk logs too, and throws nothing.
    expect(recoverInterruptedRuns(db, undefined, (m) => logs.push(m))).toEqual([]);
    expect(logs.join('\n')).toMatch(
      new RegExp(`could not mark run ${handle.runId} interrupted \\(.*SQLITE_FULL.*\\); it is tried again`),
    );

    rmSync(filler);
    const final = await waitUntil(
      'the final status, retried',
      () => {
        const run = getRunRecord(db, handle.runId) as RunRecord;
        return run.status === 'running' ? undefined : run;
      },
      20_000,
    );
    expect(final.status).toBe('interrupted');
    expect(final.error).toMatch(/the run process (was killed \(SIGKILL\)|exited with code \d+) at step \d+ of 100000/);
    expect(logs).toContain(`run ${handle.runId}: its final status is recorded now`);
  });
});
