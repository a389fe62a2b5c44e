import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../engine/backend.js';
import { inDataFolderCacheDir } from '../data/cache-location.js';
import { databasePath, openLabDatabase } from '../store/db.js';
import {
  checkpointFolder,
  checkpointFolderName,
  insertCheckpoint,
  listCheckpoints,
} from '../store/runs-checkpoints.js';
import { finishRun, getRunRecord, markRunStarted } from '../store/runs-repository.js';
import { parseResolvedRunConfig } from '../train/run-checks.js';
import { train, type StopRequest, type TrainOutcome } from '../train/trainer.js';
import { copyFolderAtomic, listCheckpointSteps } from './bundle-create.js';
import {
  bundlePaths,
  readBundleManifest,
  readBundleStatus,
  writeFileAtomic,
  type BundleState,
  type BundleStatus,
} from './bundle-layout.js';
import { SeriesLogWriter } from './series-log.js';

// `ddl-lab worker BUNDLE`: trains one bundle's run headless on a node. It never opens a database in
// the bundle, nor the lab's: it copies the catalogue, the pixel cache and the checkpoints to
// node-local scratch ($SLURM_TMPDIR, $TMPDIR or the system temp), runs the same trainer as a local
// run there, and mirrors what the run records into the bundle's output/: each step's metrics and
// histograms appended, each checkpoint copied in (after the series files are synced, so a
// checkpoint never outruns its rows), and its status. A bundle with checkpoints resumes from the
// newest one that loads; a completed bundle is left as it is.

export interface BundleWorkerOptions {
  /** Polled every step; SIGTERM/SIGINT handling is the caller's (the CLI). */
  stopRequested?: () => StopRequest | undefined;
  log?: (message: string) => void;
  /** Seconds between status.json refreshes while training (default 5; every checkpoint refreshes it too). */
  statusEvery?: number;
}

export async function runBundle(dir: string, options: BundleWorkerOptions = {}): Promise<BundleStatus> {
  const log = options.log ?? ((m: string) => process.stderr.write(`ddl-lab worker: ${m}\n`));
  const manifest = readBundleManifest(dir);
  const paths = bundlePaths(dir);
  const previous = readBundleStatus(dir);
  if (previous?.state === 'completed') {
    log(`run ${manifest.runId} is already completed in ${dir}; nothing to do`);
    return previous;
  }
  mkdirSync(paths.checkpoints, { recursive: true });
  const startedAt = new Date().toISOString();
  const status: BundleStatus = {
    state: 'running',
    step: previous?.step ?? 0,
    totalSteps: manifest.totalSteps,
    attempt: (previous?.attempt ?? 0) + 1,
    backend: null,
    host: hostname(),
    pid: process.pid,
    error: null,
    startedAt,
    updatedAt: startedAt,
  };
  const writeStatus = (changes: Partial<BundleStatus> = {}) => {
    Object.assign(status, changes, { updatedAt: new Date().toISOString() });
    writeFileAtomic(paths.status, `${JSON.stringify(status, null, 2)}\n`);
  };
  writeStatus();

  const scratchRoot = process.env.SLURM_TMPDIR ?? process.env.TMPDIR ?? tmpdir();
  const scratch = mkdtempSync(join(scratchRoot, `ddl-worker-run${manifest.runId}-`));
  const metrics = new SeriesLogWriter(paths.metrics);
  const histograms = new SeriesLogWriter(paths.histograms);
  try {
    const db = stageScratchLab(dir, scratch);
    try {
      const runId = manifest.runId;
      for (const step of listCheckpointSteps(paths.checkpoints)) insertCheckpoint(db, runId, step);
      const backend = await initBackend();
      markRunStarted(db, runId, { pid: process.pid, backend: backend.name });
      writeStatus({ backend: backend.name });
      const run = getRunRecord(db, runId);
      if (!run) throw new Error(`the bundle's catalogue has no run ${runId}`);

      let attemptWritten = false;
      let lastStatusAt = Date.now();
      const statusEveryMs = (options.statusEvery ?? 5) * 1000;
      let outcome: TrainOutcome;
      try {
        outcome = await train({
          db,
          dataDir: scratch,
          run,
          config: parseResolvedRunConfig(run.config),
          callbacks: {
            stopRequested: () => options.stopRequested?.(),
            onStep: (s) => {
              if (!attemptWritten) {
                // This attempt's first step follows the checkpoint it resumed from: later lines of
                // earlier attempts are replaced (series-log.ts).
                const line = { attempt: status.attempt, resumeFrom: s.step - 1 };
                metrics.startAttempt(line);
                histograms.startAttempt(line);
                attemptWritten = true;
              }
              metrics.append({ step: s.step, metrics: s.metrics });
              if (s.histograms && s.histograms.length > 0)
                histograms.append({ step: s.step, histograms: s.histograms });
              status.step = s.step;
              if (Date.now() - lastStatusAt >= statusEveryMs) {
                lastStatusAt = Date.now();
                writeStatus();
              }
            },
            onCheckpoint: (step, path) => {
              metrics.sync();
              histograms.sync();
              copyFolderAtomic(path, join(paths.checkpoints, checkpointFolderName(step)));
              // The bundle keeps what the run keeps (keepCheckpoints); older copies go.
              const kept = new Set(listCheckpoints(db, runId).map((c) => c.step));
              for (const old of listCheckpointSteps(paths.checkpoints))
                if (!kept.has(old))
                  rmSync(join(paths.checkpoints, checkpointFolderName(old)), { recursive: true, force: true });
              writeStatus({ step });
            },
            log,
          },
        });
      } catch (error) {
        outcome = {
          status: 'failed',
          step: status.step,
          error: error instanceof Error ? error.message : String(error),
        };
        log(`run ${runId} failed: ${error instanceof Error ? error.stack : String(error)}`);
      }
      if (outcome.status === 'interrupted')
        outcome.error = `the job was stopped (time limit, preemption or node shutdown) at step ${outcome.step}; it was checkpointed: resubmit to continue`;
      finishRun(db, runId, outcome.status, outcome.error, ['running']);
      metrics.sync();
      histograms.sync();
      writeStatus({ state: outcome.status as BundleState, step: outcome.step, error: outcome.error });
      return { ...status };
    } finally {
      db.close();
    }
  } catch (error) {
    writeStatus({ state: 'failed', error: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    metrics.close();
    histograms.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Node-local copies of the bundle's inputs and checkpoints, laid out as a lab data folder. */
function stageScratchLab(dir: string, scratch: string) {
  const manifest = readBundleManifest(dir);
  const paths = bundlePaths(dir);
  copyFileSync(paths.catalog, databasePath(scratch));
  // Inside the scratch lab, not the node's per-user cache folder: removed with the scratch folder.
  const cache = join(inDataFolderCacheDir(scratch), `dataset-${manifest.datasetId}`);
  cpSync(paths.cache, cache, { recursive: true });
  if (manifest.parent) {
    const to = checkpointFolder(scratch, manifest.parent);
    cpSync(join(paths.parent, checkpointFolderName(manifest.parent.step)), to, { recursive: true });
  }
  for (const step of listCheckpointSteps(paths.checkpoints)) {
    const from = join(paths.checkpoints, checkpointFolderName(step));
    if (existsSync(from)) cpSync(from, checkpointFolder(scratch, { runId: manifest.runId, step }), { recursive: true });
  }
  return openLabDatabase(scratch);
}
