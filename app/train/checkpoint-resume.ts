import { rmSync } from 'node:fs';
import { loadBackbone } from '../models/index.js';
import type { LabDatabase } from '../store/db.js';
import { checkpointFolder, listCheckpoints, runFolder } from '../store/runs-checkpoints.js';
import { rewindRun } from '../store/runs-rewind.js';
import { deletableCheckpointFolder, readCheckpoint, type LoadedCheckpoint } from './checkpoint-files.js';

// Where a run that already trained continues: its newest checkpoint that loads. A checkpoint
// that was written completely can still be damaged later (a disk error, a truncated copy, a
// deleted folder); one bad checkpoint must not block a run that has an older good one.

/** Reads the whole checkpoint, the backbone's weights included (loaded and disposed again). */
async function loadWhole(dir: string, step: number): Promise<LoadedCheckpoint> {
  const loaded = readCheckpoint(dir);
  if (loaded.step !== step) throw new Error(`${dir}/state.json is for step ${loaded.step}, not ${step}`);
  (await loadBackbone(loaded.backboneDir)).dispose();
  return loaded;
}

/**
 * The checkpoint the run continues from (undefined: it has none and starts again). Newer
 * checkpoints that do not load are dropped (row and folder: their steps are trained again) and
 * `log` says so. The run is rewound to the step it continues from: metric and histogram rows
 * after it belong to an attempt that is not part of the run any more. Throws, dropping nothing,
 * when the run has checkpoints and none of them loads.
 */
export async function loadResumeCheckpoint(
  db: LabDatabase,
  dataDir: string,
  runId: number,
  log: (message: string) => void = () => undefined,
): Promise<LoadedCheckpoint | undefined> {
  const newestFirst = listCheckpoints(db, runId).reverse();
  const problems: string[] = [];
  let chosen: LoadedCheckpoint | undefined;
  for (const checkpoint of newestFirst) {
    try {
      chosen = await loadWhole(checkpointFolder(dataDir, checkpoint), checkpoint.step);
      break;
    } catch (error) {
      problems.push(`step ${checkpoint.step}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (newestFirst.length > 0 && !chosen) {
    throw new Error(
      `run ${runId} cannot resume: none of its checkpoints loads (${problems.join('; ')}). Restore the folder ${runFolder(dataDir, runId)} from a backup, or start a new run.`,
    );
  }
  const step = chosen?.step ?? 0;
  if (chosen && problems.length > 0) {
    const newest = newestFirst[0]!.step;
    log(
      `the newest checkpoint${problems.length > 1 ? 's' : ''} could not be loaded (${problems.join('; ')}); resuming from the older checkpoint step ${step} instead, so steps ${step + 1}–${newest} are trained again`,
    );
  }
  for (const dropped of rewindRun(db, runId, step)) {
    try {
      const dir = deletableCheckpointFolder(dataDir, { runId, step: dropped });
      if (dir) rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      log(error instanceof Error ? error.message : String(error));
    }
  }
  return chosen;
}
