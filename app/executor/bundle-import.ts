import { existsSync, rmSync, statSync } from 'node:fs';
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
import { appendRunSeries, replaceRunSeries, runSeriesExtent } from '../store/runs-executor.js';
import { deletableCheckpointFolder } from '../train/checkpoint-files.js';
import { claimRunFolder } from '../train/run-folder.js';
import { copyFolderAtomic, listCheckpointSteps } from './bundle-create.js';
import { BundleError, bundlePaths, readBundleManifest, readBundleStatus, type BundleStatus } from './bundle-layout.js';
import { readSeriesLinesFrom } from './series-log.js';

// The lab side of a bundle's results: its series and checkpoints into the lab's SQLite and run
// folder. The import makes the lab hold exactly what the bundle holds, so importing twice changes
// nothing, and an in-progress import is simply redone later with more rows. The run's status is
// the executor's business (it also knows the scheduler's view); the bundle's status comes back.
// The series files only grow, so a process that imported a bundle before reads on from where it
// stopped (its cursor) and adds only the new lines; the first import in a process, or a file
// shorter than the cursor, replaces the run's rows from the start.

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

/** Per database and bundle: the bytes of each series file already in the rows. */
const cursors = new WeakMap<LabDatabase, Map<string, { metrics: number; histograms: number }>>();

const fileSize = (file: string) => (existsSync(file) ? statSync(file).size : 0);

export function importBundle(db: LabDatabase, dataDir: string, runId: number, dir: string): BundleImport {
  const manifest = readBundleManifest(dir);
  const labId = readLabId(db);
  if (manifest.runId !== runId || manifest.labId !== labId)
    throw new BundleError(
      `${dir} is the bundle of run ${manifest.runId} of lab ${manifest.labId}, not of run ${runId} of this lab (${labId}); it is not imported`,
    );
  const paths = bundlePaths(dir);
  const status = readBundleStatus(dir);
  const known = cursors.get(db) ?? new Map<string, { metrics: number; histograms: number }>();
  cursors.set(db, known);
  const key = `${runId} ${dir}`;
  const before = known.get(key);
  const incremental =
    before !== undefined &&
    fileSize(paths.metrics) >= before.metrics &&
    fileSize(paths.histograms) >= before.histograms;
  const metrics = readSeriesLinesFrom<MetricLine>(paths.metrics, incremental ? before.metrics : 0);
  const histograms = readSeriesLinesFrom<HistogramLine>(paths.histograms, incremental ? before.histograms : 0);

  // Checkpoints first: a metric row never points past what the lab can resume or evaluate from.
  claimRunFolder(db, dataDir, runId);
  const listed = listCheckpointSteps(paths.checkpoints);
  const recorded = new Set(listCheckpoints(db, runId).map((c) => c.step));
  const inBundle: number[] = [];
  for (const step of listed) {
    const target = checkpointFolder(dataDir, { runId, step });
    if (!(recorded.has(step) && existsSync(target))) {
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
  for (const step of recorded) {
    if (inBundle.includes(step)) continue;
    const folder = deletableCheckpointFolder(dataDir, { runId, step });
    deleteCheckpointRecord(db, runId, step);
    if (folder) rmSync(folder, { recursive: true, force: true });
  }

  db.transaction(() => {
    if (!incremental) replaceRunSeries(db, runId, [], []);
    appendRunSeries(db, runId, metrics.entries, histograms.entries);
  })();
  known.set(key, { metrics: metrics.end, histograms: histograms.end });
  return {
    status,
    ...runSeriesExtent(db, runId),
    checkpoints: inBundle,
    skippedLines: metrics.skipped + histograms.skipped,
  };
}
