import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDataset } from './datasets-repo.js';
import { openDatabase, openLabDatabase, schemaVersion } from './db.js';
import { migrations } from './migrations/index.js';
import {
  normalizeTags,
  runCodeVersion,
  runNotes,
  runRemoval,
  runTags,
  setRunCodeVersion,
  setRunNotes,
  setRunTags,
  tagCounts,
} from './run-annotations.js';
import { insertCheckpoint, runFolder } from './runs-checkpoints.js';
import { deleteRunRecord, insertRun } from './runs-repository.js';
import { recordSteps } from './runs-series.js';

// Migration 7 on a real SQLite file: a lab written before it (schema 4) keeps its runs and gains
// notes, tags and the code version; what deleting a run removes is counted from the real tables.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ddl-run-notes-'));
  dirs.push(dir);
  return dir;
};

describe('run notes and tags (migration 7)', () => {
  it('upgrades a schema-4 lab keeping its runs, which then take notes, tags and a code version', () => {
    const dir = tempDir();
    const file = join(dir, 'lab.sqlite');
    const old = openDatabase(file, migrations.slice(0, 4));
    expect(schemaVersion(old)).toBe(4);
    const datasetId = createDataset(old, { name: 'd', kind: 'imagefolder', root: '/x', maxPixels: 1 });
    const run = insertRun(old, { datasetId, splitId: 1, stage: 1, config: {}, seed: 1, totalSteps: 3 });
    old.close();

    const db = openDatabase(file, migrations);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(runNotes(db, run.id)).toBe('');
    expect(runTags(db, run.id)).toEqual([]);
    expect(runCodeVersion(db, run.id)).toBeNull();
    setRunNotes(db, run.id, 'lr too high?\nsecond line');
    expect(setRunTags(db, run.id, [' baseline ', 'pose', 'baseline', ''])).toEqual(['baseline', 'pose']);
    setRunCodeVersion(db, run.id, '0.1.0 (abc)');
    db.close();

    const reopened = openDatabase(file, migrations);
    expect(runNotes(reopened, run.id)).toBe('lr too high?\nsecond line');
    expect(runTags(reopened, run.id)).toEqual(['baseline', 'pose']);
    expect(runCodeVersion(reopened, run.id)).toBe('0.1.0 (abc)');
    expect(tagCounts(reopened)).toEqual([
      { tag: 'baseline', runs: 1 },
      { tag: 'pose', runs: 1 },
    ]);
    deleteRunRecord(reopened, run.id);
    expect(tagCounts(reopened)).toEqual([]); // tags go with the run
    reopened.close();
  });

  it('refuses a tag with a comma or over 40 characters, naming it', () => {
    expect(() => normalizeTags(['a,b'])).toThrow(/the tag "a,b" contains a comma/);
    expect(() => normalizeTags(['x'.repeat(41)])).toThrow(/longer than 40 characters/);
  });

  it('counts what deleting a run removes: metric rows, histograms, checkpoints, evaluations, failures, tags, bytes', () => {
    const dir = tempDir();
    const db = openLabDatabase(dir);
    const datasetId = createDataset(db, { name: 'd', kind: 'imagefolder', root: '/x', maxPixels: 1 });
    const run = insertRun(db, { datasetId, splitId: 1, stage: 1, config: {}, seed: 1, totalSteps: 3 });
    const other = insertRun(db, { datasetId, splitId: 1, stage: 1, config: {}, seed: 2, totalSteps: 3 });
    const histogram = { branch: 'teacherPositive' as const, lo: 0, hi: 1, bins: [1, 2], mean: 0.5, count: 3 };
    recordSteps(db, run.id, [
      { step: 1, metrics: { total: 2, lr: 0.1 }, histograms: [histogram] },
      { step: 2, metrics: { total: 1.5, lr: 0.1 } },
    ]);
    recordSteps(db, other.id, [{ step: 1, metrics: { total: 9 } }]);
    insertCheckpoint(db, run.id, 2);
    mkdirSync(join(runFolder(dir, run.id), 'checkpoints', 'step-000002'), { recursive: true });
    writeFileSync(join(runFolder(dir, run.id), 'checkpoints', 'step-000002', 'weights.bin'), Buffer.alloc(3000));
    setRunTags(db, run.id, ['a', 'b']);
    expect(runRemoval(db, dir, run.id)).toEqual({
      metricRows: 4,
      histogramRows: 1,
      checkpoints: 1,
      evaluations: 0,
      failureRows: 0,
      tags: 2,
      folderBytes: 3000,
      folder: runFolder(dir, run.id),
    });
    db.close();
  });
});
