import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLabDatabase, type LabDatabase } from '../store/db.js';
import { readLabId } from '../store/lab-meta.js';
import { insertRun } from '../store/runs-repository.js';
import { insertFakeSplit } from '../train/test-support/fake-dataset.js';
import { importBundle } from './bundle-import.js';
import { bundleFormat, bundlePaths, bundleVersion } from './bundle-layout.js';

// The lab imports a running job's bundle at every poll. The series files only grow, so an import
// after the first adds only the new lines (rows already imported are not rewritten), follows a
// resubmission's rewind, leaves a line still being written for the next poll, and ends with the
// same rows as one import of the whole files.

const dirs: string[] = [];
const dbs: LabDatabase[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const step = (n: number, loss: number) => `${JSON.stringify({ step: n, metrics: { total: loss, lr: 0.1 } })}\n`;
const histogram = (n: number, mean: number) =>
  `${JSON.stringify({ step: n, histograms: [{ branch: 'teacherPositive', lo: -1, hi: 1, bins: [1, 2], mean, count: 3 }] })}\n`;

function rows(db: LabDatabase, runId: number) {
  return {
    metrics: db.prepare('SELECT name, step, value FROM run_metrics WHERE run_id = ? ORDER BY name, step').all(runId),
    histograms: db.prepare('SELECT step, branch, mean FROM run_histograms WHERE run_id = ? ORDER BY step').all(runId),
  };
}
const changes = (db: LabDatabase) => (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

describe('incremental bundle import', () => {
  it('adds only new lines at each poll, applies a rewind, waits for a torn line, and equals a full import', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ddl-bundle-incremental-'));
    dirs.push(dataDir);
    const db = openLabDatabase(dataDir);
    dbs.push(db);
    const { datasetId, splitId } = insertFakeSplit(db, { identities: 4, easyPerIdentity: 2, hardIdentities: 2 });
    const run = insertRun(db, { datasetId, splitId, stage: 1, config: {}, seed: 1, totalSteps: 6 });
    const bundle = join(dataDir, 'shared', 'run-1');
    const paths = bundlePaths(bundle);
    mkdirSync(paths.output, { recursive: true });
    writeFileSync(
      paths.manifest,
      JSON.stringify({ format: bundleFormat, version: bundleVersion, labId: readLabId(db), runId: run.id }),
    );
    const metrics = (text: string) => appendFileSync(paths.metrics, text);

    // Poll 1: three steps, the fourth half written.
    metrics(`{"attempt":1,"resumeFrom":0}\n${step(1, 3)}${step(2, 2.5)}${step(3, 2)}{"step":4,"metr`);
    appendFileSync(paths.histograms, `{"attempt":1,"resumeFrom":0}\n${histogram(2, 0.5)}`);
    expect(importBundle(db, dataDir, run.id, bundle)).toMatchObject({ lastStep: 3, metricSteps: 3, histogramSteps: 1 });

    // Poll 2: the fourth line completed and a fifth: only their rows are written.
    metrics(`ics":{"total":1.5,"lr":0.1}}\n${step(5, 1.2)}`);
    const before = changes(db);
    expect(importBundle(db, dataDir, run.id, bundle).lastStep).toBe(5);
    expect(changes(db) - before).toBe(4); // 2 steps × 2 metrics; a full import rewrites all 10 rows (and deletes them first)

    // The job was killed and resubmitted: the new attempt resumes from the checkpoint at step 3.
    metrics(`{"attempt":2,"resumeFrom":3}\n${step(4, 1.4)}${step(5, 1.1)}${step(6, 0.9)}`);
    appendFileSync(paths.histograms, `{"attempt":2,"resumeFrom":3}\n${histogram(4, 0.7)}`);
    expect(importBundle(db, dataDir, run.id, bundle)).toMatchObject({ lastStep: 6, metricSteps: 6, histogramSteps: 2 });
    const polled = rows(db, run.id);
    expect(
      (polled.metrics as { name: string; step: number; value: number }[]).filter((r) => r.name === 'total'),
    ).toEqual([
      { name: 'total', step: 1, value: 3 },
      { name: 'total', step: 2, value: 2.5 },
      { name: 'total', step: 3, value: 2 },
      { name: 'total', step: 4, value: 1.4 },
      { name: 'total', step: 5, value: 1.1 },
      { name: 'total', step: 6, value: 0.9 },
    ]);

    // Another process (its own connection, no cursor) imports the whole files: the same rows.
    const other = openLabDatabase(dataDir);
    dbs.push(other);
    importBundle(other, dataDir, run.id, bundle);
    expect(rows(other, run.id)).toEqual(polled);
    // And importing again with nothing new changes nothing.
    const still = changes(db);
    importBundle(db, dataDir, run.id, bundle);
    expect(changes(db)).toBe(still);
    expect(rows(db, run.id)).toEqual(polled);
  });
});
