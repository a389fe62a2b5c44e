import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureEvaluationTables } from '../../store/evaluations-tables.js';
import { insertPairList } from '../../store/pairs-repo.js';
import { finishRun, insertRun } from '../../store/runs-repository.js';
import { runDirectory } from '../../train/checkpoint-files.js';
import { insertFakeSplit } from '../../train/test-support/fake-dataset.js';
import type { Lab } from '../lab.js';

// For removal tests: a dataset with a pair list, two finished runs (each with a checkpoint folder
// on disk) and one evaluation, beside a second dataset with a run of its own that must survive.

export interface SeededDataset {
  datasetId: number;
  runIds: number[];
  runFolders: string[];
  otherDatasetId: number;
  otherRunFolder: string;
}

function finishedRunWithFolder(lab: Lab, datasetId: number, splitId: number): { id: number; folder: string } {
  const run = insertRun(lab.db, { datasetId, splitId, stage: 1, config: {}, seed: 1, totalSteps: 10 });
  finishRun(lab.db, run.id, 'completed');
  const folder = runDirectory(lab.dataDir, run.id);
  mkdirSync(join(folder, 'checkpoints', 'step-000010'), { recursive: true });
  writeFileSync(join(folder, 'checkpoints', 'step-000010', 'weights.bin'), Buffer.alloc(1024, 7));
  return { id: run.id, folder };
}

export function seedDatasetWithRuns(lab: Lab): SeededDataset {
  const { db } = lab;
  const { datasetId, splitId } = insertFakeSplit(db, { identities: 3, easyPerIdentity: 2, hardIdentities: 3 });
  const images = (
    db.prepare('SELECT id FROM images WHERE dataset_id = ? ORDER BY idx').all(datasetId) as Array<{ id: number }>
  ).map((r) => r.id);
  const pairListId = insertPairList(
    db,
    datasetId,
    { name: 'pairs', source: 'pairs.csv', format: 'csv', folds: 1, skippedCount: 0 },
    [{ image1Id: images[0]!, image2Id: images[1]!, same: true, type: 'easy-easy', fold: null }],
  );
  const runs = [finishedRunWithFolder(lab, datasetId, splitId), finishedRunWithFolder(lab, datasetId, splitId)];
  ensureEvaluationTables(db);
  db.prepare(
    `INSERT INTO evaluations (run_id, pair_list_id, dataset_id, dataset_revision, checkpoint_step, flip_test, status,
      created_at, types_source, sides_source) VALUES (?, ?, ?, 1, 10, 0, 'completed', ?, 'list', 'none')`,
  ).run(runs[0]!.id, pairListId, datasetId, new Date().toISOString());
  const other = insertFakeSplit(db, { identities: 3, easyPerIdentity: 2, hardIdentities: 3 });
  const otherRun = finishedRunWithFolder(lab, other.datasetId, other.splitId);
  return {
    datasetId,
    runIds: runs.map((r) => r.id),
    runFolders: runs.map((r) => r.folder),
    otherDatasetId: other.datasetId,
    otherRunFolder: otherRun.folder,
  };
}
