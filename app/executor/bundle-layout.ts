import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunStatus } from '../vocabulary/index.js';

// A run bundle: everything one run needs to train away from the lab (a Slurm node, a Kubernetes
// pod), and everything it produced, in one folder on storage both sides see. The lab writes
// `bundle.json` and `input/` once; the job writes only `output/`; the lab only reads `output/`
// (its import), apart from the `cancel-requested` marker. No SQLite file is ever opened in the
// bundle: the catalogue is copied to node-local storage before the worker opens it.
//
//   bundle.json                 what run this is (format, version, lab id, run id, config, input size)
//   input/catalog.sqlite        the run's dataset, split and parent run rows in the lab's schema
//   input/cache/rgb-S.u8|json   the dataset's pixel cache at the run's input size
//   input/parent/step-NNNNNN/   the parent's checkpoint a stage-2 run fine-tunes from
//   output/metrics.jsonl        append-only: an attempt line per worker start, then a line per step
//   output/histograms.jsonl     append-only, the same shape for the four similarity histograms
//   output/checkpoints/step-NNNNNN/  the newest checkpoints (written to a temp name, then renamed)
//   output/status.json          the worker's last word (replaced atomically)
//   output/worker.log           the job's stdout and stderr
//   cancel-requested            written by the lab before `scancel`: SIGTERM then means cancel, not suspend
//   job.sh                      this bundle's batch script (a resubmission runs it; an array job's
//                               script, one task per bundle, is in <shared>/jobs/)
//   submission.json             written by the lab at each submission: the worker attempts before it

export const bundleFormat = 'ddl-lab/run-bundle';
export const bundleVersion = 1;

export interface BundleManifest {
  format: typeof bundleFormat;
  version: typeof bundleVersion;
  labId: string;
  runId: number;
  name: string;
  stage: 1 | 2;
  seed: number;
  totalSteps: number;
  datasetId: number;
  splitId: number;
  inputSize: number;
  /** Stage 2: the parent run and the checkpoint step in input/parent/. */
  parent: { runId: number; step: number } | null;
  /** The run config as the lab validated it. */
  config: unknown;
  createdAt: string;
}

export type BundleState = Extract<RunStatus, 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted'>;

export interface BundleStatus {
  state: BundleState;
  step: number;
  totalSteps: number;
  /** 1 for the first worker start, +1 per resubmission. */
  attempt: number;
  backend: string | null;
  host: string;
  pid: number;
  error: string | null;
  startedAt: string;
  updatedAt: string;
}

export const bundlePaths = (dir: string) => ({
  manifest: join(dir, 'bundle.json'),
  catalog: join(dir, 'input', 'catalog.sqlite'),
  cache: join(dir, 'input', 'cache'),
  parent: join(dir, 'input', 'parent'),
  output: join(dir, 'output'),
  metrics: join(dir, 'output', 'metrics.jsonl'),
  histograms: join(dir, 'output', 'histograms.jsonl'),
  checkpoints: join(dir, 'output', 'checkpoints'),
  status: join(dir, 'output', 'status.json'),
  log: join(dir, 'output', 'worker.log'),
  cancelRequested: join(dir, 'cancel-requested'),
  script: join(dir, 'job.sh'),
  submission: join(dir, 'submission.json'),
});

/** What the lab knew when it last submitted the bundle: worker attempts before this submission. */
export function readSubmission(dir: string): { attemptsBefore: number } {
  try {
    const parsed = JSON.parse(readFileSync(bundlePaths(dir).submission, 'utf8')) as { attemptsBefore?: unknown };
    return { attemptsBefore: typeof parsed.attemptsBefore === 'number' ? parsed.attemptsBefore : 0 };
  } catch {
    return { attemptsBefore: 0 };
  }
}

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

export function readBundleManifest(dir: string): BundleManifest {
  const file = bundlePaths(dir).manifest;
  let parsed: Partial<BundleManifest>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<BundleManifest>;
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
    throw new BundleError(`${file} cannot be read (${why}); is ${dir} a run bundle the lab wrote?`);
  }
  if (parsed.format !== bundleFormat)
    throw new BundleError(
      `${file} is not a run bundle (format "${String(parsed.format)}", expected "${bundleFormat}")`,
    );
  if (parsed.version !== bundleVersion)
    throw new BundleError(
      `${file} is bundle version ${String(parsed.version)}; this DDL Lab reads version ${bundleVersion}. Use the same DDL Lab version on the lab and the nodes.`,
    );
  return parsed as BundleManifest;
}

/** The worker's last status, or null when no worker has started on the bundle yet. */
export function readBundleStatus(dir: string): BundleStatus | null {
  try {
    return JSON.parse(readFileSync(bundlePaths(dir).status, 'utf8')) as BundleStatus;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new BundleError(`${bundlePaths(dir).status} cannot be read: ${(error as Error).message}`);
  }
}

/** Replaces a file atomically (temp + fsync + rename): a reader sees the old or the new text, never half. */
export function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}
