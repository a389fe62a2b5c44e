import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLabDatabase } from '../store/db.js';
import { renameRun } from '../store/runs-repository.js';
import { closeNames } from './close-names.js';
import { LabOperationError, type Lab } from './lab.js';
import { resolveDatasetRef, resolveRunRef, resolveSplitRef } from './refs.js';
import { seedDatasetWithRuns } from './test-support/dataset-with-runs.js';

// Ids and names of datasets, runs and splits, resolved against a real lab database.

const labs: Lab[] = [];
afterEach(() => {
  for (const lab of labs.splice(0)) {
    lab.db.close();
    rmSync(lab.dataDir, { recursive: true, force: true });
  }
});

function seededLab() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddl-lab-refs-'));
  const lab: Lab = { db: openLabDatabase(dataDir), dataDir };
  labs.push(lab);
  const seeded = seedDatasetWithRuns(lab); // two datasets, both named "fake"; three runs
  lab.db.prepare("UPDATE datasets SET name = 'pose-faces' WHERE id = ?").run(seeded.otherDatasetId);
  const [first, second] = seeded.runIds as [number, number];
  renameRun(lab.db, first, 'baseline');
  renameRun(lab.db, second, 'ddl-pose');
  return { lab, seeded, first, second };
}

function refusal(work: () => unknown): LabOperationError {
  try {
    work();
  } catch (error) {
    if (error instanceof LabOperationError) return error;
    throw error;
  }
  throw new Error('expected a LabOperationError');
}

describe('references by id or name', () => {
  it('resolve ids and exact names of runs, datasets and splits', () => {
    const { lab, seeded, first, second } = seededLab();
    expect(resolveRunRef(lab, String(first))).toBe(first);
    expect(resolveRunRef(lab, 'baseline')).toBe(first);
    expect(resolveRunRef(lab, ' ddl-pose ')).toBe(second);
    expect(resolveDatasetRef(lab, 'pose-faces')).toBe(seeded.otherDatasetId);
    expect(resolveDatasetRef(lab, String(seeded.datasetId))).toBe(seeded.datasetId);
    const splitId = (
      lab.db.prepare('SELECT id FROM splits WHERE dataset_id = ?').get(seeded.datasetId) as { id: number }
    ).id;
    expect(resolveSplitRef(lab, seeded.datasetId, 'fake split')).toBe(splitId);
    expect(resolveSplitRef(lab, seeded.datasetId, String(splitId))).toBe(splitId);
  });

  it('refuse an ambiguous name listing the ids, and an unknown one listing close names', () => {
    const { lab, seeded, first } = seededLab();
    lab.db.prepare("UPDATE datasets SET name = 'fake' WHERE id = ?").run(seeded.otherDatasetId);
    const twoFakes = refusal(() => resolveDatasetRef(lab, 'fake'));
    expect(twoFakes.code).toBe('conflict');
    expect(twoFakes.message).toBe(
      `2 datasets are named "fake" in ${lab.dataDir} (ids ${seeded.datasetId}, ${seeded.otherDatasetId}); give the id instead.`,
    );
    renameRun(lab.db, seeded.runIds[1]!, 'baseline');
    expect(refusal(() => resolveRunRef(lab, 'baseline')).message).toContain(
      `2 runs are named "baseline" in ${lab.dataDir} (ids ${first}, ${seeded.runIds[1]})`,
    );
    const typo = refusal(() => resolveRunRef(lab, 'baselin'));
    expect(typo.code).toBe('not_found');
    expect(typo.message).toBe(
      `no run named "baselin" in ${lab.dataDir}. Close names: "baseline". List them with "ddl-lab runs list".`,
    );
    expect(refusal(() => resolveRunRef(lab, '999')).message).toMatch(/^no run 999 in .*\. List them/);
    expect(refusal(() => resolveSplitRef(lab, seeded.otherDatasetId, 'nope')).message).toBe(
      `no split named "nope" of dataset ${seeded.otherDatasetId}. List them with "ddl-lab split list".`,
    );
    // A split of another dataset is not reachable through this one, by id or by name.
    const otherSplit = (
      lab.db.prepare('SELECT id FROM splits WHERE dataset_id = ?').get(seeded.otherDatasetId) as { id: number }
    ).id;
    expect(refusal(() => resolveSplitRef(lab, seeded.datasetId, String(otherSplit))).code).toBe('not_found');
  });

  it('list up to five close names, nearest first', () => {
    const names = ['run-a', 'run-b', 'run-c', 'run-d', 'run-e', 'run-f', 'baseline', 'run-aa'];
    expect(closeNames('run-a', names)).toEqual(['run-a', 'run-aa', 'run-b', 'run-c', 'run-d']);
    expect(closeNames('pose', ['ddl-pose', 'cls']).length).toBe(1);
    expect(closeNames('zzz', names)).toEqual([]);
  });
});
