import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LabDatabase } from '../store/db.js';
import { readLabId } from '../store/lab-meta.js';
import {
  checkpointFolder,
  checkpointFolderName,
  deleteCheckpointRecord,
  insertCheckpoint,
  listCheckpoints,
} from '../store/runs-checkpoints.js';
import { replaceRunSeries } from '../store/runs-executor.js';
import { deletableCheckpointFolder } from '../train/checkpoint-files.js';
import { claimRunFolder } from '../train/run-folder.js';
import { copyFolderAtomic, listCheckpointSteps } from './bundle-create.js';
import { BundleError, bundlePaths, readBundleManifest, readBundleStatus, type BundleStatus } from './bundle-layout.js';
import { readSeriesLog } from './series-log.js';

// The lab side of a bundle's results: its series and checkpoints into the lab's SQLite and run
// folder. The import makes the lab hold exactly what the bundle holds, so importing twice changes
// nothing, and an in-progress import is simply redone later with more rows. The run's status is
// the executor's business (it also knows the scheduler's view); the bundle's status comes back.

export interface BundleImport {
  status: BundleStatus | null;
  /** The last step with a metric row (0 when none). */
  lastStep: number;
  metricSteps: number;
  histogramSteps: number;
  checkpoints: number[];
  /** Lines of the series files that could not be read (a torn write at a kill). */
  skippedLines: number;
}

interface MetricLine {
  step: number;
  metrics: Record<string, number | null>;
}
interface HistogramLine {
  step: number;
  histograms: Array<{ branch: string; lo: number; hi: number; bins: number[]; mean: number | null; count: number }>;
}

export function importBundle(db: LabDatabase, dataDir: string, runId: number, dir: string): BundleImport {
  const manifest = readBundleManifest(dir);
  const labId = readLabId(db);
  if (manifest.runId !== runId || manifest.labId !== labId)
    throw new BundleError(
      `${dir} is the bundle of run ${manifest.runId} of lab ${manifest.labId}, not of run ${runId} of this lab (${labId}); it is not imported`,
    );
  const paths = bundlePaths(dir);
  const status = readBundleStatus(dir);
  const metrics = readSeriesLog<MetricLine>(paths.metrics);
  const histograms = readSeriesLog<HistogramLine>(paths.histograms);

  // Checkpoints first: a metric row never points past what the lab can resume or evaluate from.
  claimRunFolder(db, dataDir, runId);
  const listed = listCheckpointSteps(paths.checkpoints);
  const known = new Set(listCheckpoints(db, runId).map((c) => c.step));
  const inBundle: number[] = [];
  for (const step of listed) {
    const target = checkpointFolder(dataDir, { runId, step });
    if (!(known.has(step) && existsSync(target))) {
      try {
        copyFolderAtomic(join(paths.checkpoints, checkpointFolderName(step)), target);
      } catch (error) {
        // A running job retires an older checkpoint once a newer one is published: gone while we
        // copied it means a newer one is there (or comes with the next import).
        rmSync(`${target}.tmp-${process.pid}`, { recursive: true, force: true });
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      insertCheckpoint(db, runId, step);
    }
    inBundle.push(step);
  }
  for (const step of known) {
    if (inBundle.includes(step)) continue;
    const folder = deletableCheckpointFolder(dataDir, { runId, step });
    deleteCheckpointRecord(db, runId, step);
    if (folder) rmSync(folder, { recursive: true, force: true });
  }

  replaceRunSeries(db, runId, metrics.steps, histograms.steps);
  return {
    status,
    lastStep: metrics.steps.at(-1)?.step ?? 0,
    metricSteps: metrics.steps.length,
    histogramSteps: histograms.steps.length,
    checkpoints: inBundle,
    skippedLines: metrics.skipped + histograms.skipped,
  };
}
