import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempLabDatabases } from './test-support/temp-lab-database.js';
import { createDataset } from './datasets-repo.js';
import type { LabDatabase } from './db.js';
import { checkpointFolder, insertCheckpoint, latestCheckpoint, listCheckpoints } from './runs-checkpoints.js';
import {
  finishRun,
  getRunRecord,
  insertRun,
  isCancelRequested,
  listRunRecords,
  markRunStarted,
  requestRunCancel,
  requeueRun,
} from './runs-repository.js';
import { rewindRun } from './runs-rewind.js';
import { countMetricRows, histogramsAt, histogramSteps, metricSeries, recordSteps } from './runs-series.js';

const open = tempLabDatabases('ddl-runs-');

function newRun(db: LabDatabase) {
  const datasetId = createDataset(db, { name: 'd', kind: 'imagefolder', root: '/x', maxPixels: 1 });
  return insertRun(db, { datasetId, splitId: 1, stage: 1, config: { stage: 1, steps: 5 }, seed: 7, totalSteps: 5 });
}

describe('runs table', () => {
  it('records a run queued, then running with pid and backend, then finished once', () => {
    const db = open();
    const run = newRun(db);
    expect(run).toMatchObject({
      status: 'queued',
      stage: 1,
      seed: 7,
      totalSteps: 5,
      lastStep: 0,
      attempts: 0,
      config: { stage: 1, steps: 5 },
    });
    expect(markRunStarted(db, run.id, { pid: 1234, backend: 'wasm' })).toBe(true);
    expect(markRunStarted(db, run.id, { pid: 99, backend: 'cpu' })).toBe(false); // already taken
    expect(getRunRecord(db, run.id)).toMatchObject({ status: 'running', pid: 1234, backend: 'wasm', attempts: 1 });
    expect(finishRun(db, run.id, 'completed')).toBe(true);
    // The supervisor's late "interrupted" cannot overwrite the worker's final word.
    expect(finishRun(db, run.id, 'interrupted', 'late', ['queued', 'running'])).toBe(false);
    expect(getRunRecord(db, run.id)).toMatchObject({ status: 'completed', pid: null, error: null });
    expect(listRunRecords(db, { status: ['completed'] }).map((r) => r.id)).toEqual([run.id]);
  });

  it('requeues a stopped run for resume and clears its cancel request', () => {
    const db = open();
    const run = newRun(db);
    markRunStarted(db, run.id, { pid: 1, backend: 'wasm' });
    expect(requestRunCancel(db, run.id)).toBe(true);
    expect(isCancelRequested(db, run.id)).toBe(true);
    finishRun(db, run.id, 'cancelled');
    expect(requeueRun(db, run.id)).toBe(true);
    expect(getRunRecord(db, run.id)).toMatchObject({ status: 'queued', cancelRequestedAt: null });
    expect(requeueRun(db, run.id)).toBe(false); // queued is not resumable
  });
});

describe('run series', () => {
  it('keeps one row per (run, name, step): a replayed step overwrites', () => {
    const db = open();
    const run = newRun(db);
    recordSteps(
      db,
      run.id,
      [1, 2, 3].map((step) => ({ step, metrics: { total: 10 - step, lr: 0.1 } })),
    );
    recordSteps(db, run.id, [
      { step: 3, metrics: { total: 6.5, lr: 0.1 } },
      { step: 4, metrics: { total: 6, lr: 0.1, nan: Number.NaN } },
    ]);
    expect(countMetricRows(db, run.id)).toBe(9);
    const series = metricSeries(db, run.id, { names: ['total', 'nan'] });
    expect(series.total).toEqual([
      { step: 1, value: 9 },
      { step: 2, value: 8 },
      { step: 3, value: 6.5 },
      { step: 4, value: 6 },
    ]);
    expect(series.nan).toEqual([{ step: 4, value: null }]);
    expect(metricSeries(db, run.id, { names: ['total'], afterStep: 2 }).total?.map((p) => p.step)).toEqual([3, 4]);
    expect(metricSeries(db, run.id, { names: ['total'], maxPoints: 2 }).total?.map((p) => p.step)).toEqual([1, 4]);
    expect(getRunRecord(db, run.id)?.lastStep).toBe(4);
  });

  it('stores the four histograms per step and finds the latest at or before a step', () => {
    const db = open();
    const run = newRun(db);
    const branches = ['studentNegative', 'teacherPositive', 'teacherNegative', 'studentPositive'] as const;
    for (const step of [10, 20]) {
      recordSteps(db, run.id, [
        {
          step,
          metrics: {},
          histograms: branches.map((branch) => ({
            branch,
            lo: 0,
            hi: 1,
            bins: [0.25, 0.75],
            mean: step / 100,
            count: 4,
          })),
        },
      ]);
    }
    expect(histogramSteps(db, run.id)).toEqual([10, 20]);
    const at15 = histogramsAt(db, run.id, 15);
    expect(at15?.step).toBe(10);
    expect(at15?.histograms.map((h) => h.branch)).toEqual([
      'teacherPositive',
      'teacherNegative',
      'studentPositive',
      'studentNegative',
    ]);
    expect(at15?.histograms[0]).toEqual({
      branch: 'teacherPositive',
      lo: 0,
      hi: 1,
      bins: [0.25, 0.75],
      mean: 0.1,
      count: 4,
    });
    expect(histogramsAt(db, run.id)?.step).toBe(20);
    expect(histogramsAt(db, run.id, 5)).toBeUndefined();
  });

  it('indexes checkpoints by step and finds their folders in the data dir in use, whatever a row holds', () => {
    const db = open();
    const run = newRun(db);
    insertCheckpoint(db, run.id, 2);
    insertCheckpoint(db, run.id, 4);
    insertCheckpoint(db, run.id, 4);
    expect(listCheckpoints(db, run.id).map((c) => c.step)).toEqual([2, 4]);
    expect(latestCheckpoint(db, run.id)?.step).toBe(4);
    const stored = db.prepare('SELECT path FROM run_checkpoints WHERE run_id = ? ORDER BY step').all(run.id);
    expect(stored).toEqual([
      { path: `runs/${run.id}/checkpoints/step-000002` },
      { path: `runs/${run.id}/checkpoints/step-000004` },
    ]);
    // A row written by an older DDL Lab holds the absolute folder of the lab it was written in.
    db.prepare('UPDATE run_checkpoints SET path = ? WHERE run_id = ? AND step = 4').run(
      `/home/someone/original-lab/runs/${run.id}/checkpoints/step-000004`,
      run.id,
    );
    const [, legacy] = listCheckpoints(db, run.id);
    expect(checkpointFolder(join('/labs', 'copy'), legacy!)).toBe(
      join('/labs', 'copy', 'runs', String(run.id), 'checkpoints', 'step-000004'),
    );
  });

  it('rewinds a run to the checkpoint it resumes from: later rows go, the last step follows', () => {
    const db = open();
    const run = newRun(db);
    const other = newRun(db);
    const histogram = { branch: 'teacherPositive' as const, lo: 0, hi: 1, bins: [1], mean: 0.5, count: 1 };
    for (const r of [run, other]) {
      recordSteps(
        db,
        r.id,
        [1, 2, 3, 4, 5, 6].map((step) => ({ step, metrics: { total: step }, histograms: [histogram] })),
      );
      for (const step of [2, 4, 6]) insertCheckpoint(db, r.id, step);
    }
    expect(rewindRun(db, run.id, 4)).toEqual([6]);
    expect(getRunRecord(db, run.id)?.lastStep).toBe(4);
    expect(metricSeries(db, run.id).total!.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(histogramSteps(db, run.id)).toEqual([1, 2, 3, 4]);
    expect(listCheckpoints(db, run.id).map((c) => c.step)).toEqual([2, 4]);
    // Another run's rows are not touched.
    expect(getRunRecord(db, other.id)?.lastStep).toBe(6);
    expect(countMetricRows(db, other.id)).toBe(6);
    expect(listCheckpoints(db, other.id).map((c) => c.step)).toEqual([2, 4, 6]);
    expect(rewindRun(db, run.id, 0)).toEqual([2, 4]);
    expect(getRunRecord(db, run.id)?.lastStep).toBe(0);
    expect(countMetricRows(db, run.id)).toBe(0);
  });
});
