import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureImageCache } from '../data/ensure-image-cache.js';
import { pixelCacheFiles, requirePixelCache } from '../data/pixel-cache.js';
import { connectDatabase } from '../store/native-binding.js';
import { databasePath, openDatabase, type LabDatabase } from '../store/db.js';
import { readLabId } from '../store/lab-meta.js';
import { checkpointFolder, checkpointFolderName, listCheckpoints } from '../store/runs-checkpoints.js';
import { getRunRecord } from '../store/runs-repository.js';
import { parseResolvedRunConfig } from '../train/run-checks.js';
import { BundleError, bundleFormat, bundlePaths, bundleVersion, type BundleManifest } from './bundle-layout.js';

// The lab side of a bundle: writes bundle.json and input/ for a queued run, in a folder of its own
// under the shared folder the user named (`<shared>/run-<id>-<lab id prefix>`). Writing it again
// for the same run (a resubmission) keeps output/: the job resumes from its checkpoints.

/** `<shared>/run-<id>-<first 8 characters of the lab id>`: two labs sharing a folder never collide. */
export function bundleDirFor(db: LabDatabase, sharedDir: string, runId: number): string {
  return join(resolve(sharedDir), `run-${runId}-${readLabId(db).slice(0, 8)}`);
}

export async function createBundle(
  db: LabDatabase,
  dataDir: string,
  runId: number,
  sharedDir: string,
): Promise<{ dir: string; manifest: BundleManifest }> {
  const run = getRunRecord(db, runId);
  if (!run) throw new BundleError(`no run with id ${runId}`);
  const config = parseResolvedRunConfig(run.config);
  const inputSize = config.backbone.inputSize ?? 32;
  const dir = bundleDirFor(db, sharedDir, runId);
  const paths = bundlePaths(dir);
  mkdirSync(paths.output, { recursive: true });

  // The parent checkpoint a fine-tune starts from: the one the trainer would load.
  let parent: BundleManifest['parent'] = null;
  if (config.stage === 2) {
    const all = listCheckpoints(db, config.parentRunId);
    const chosen =
      config.parentCheckpointStep === undefined ? all.at(-1) : all.find((c) => c.step === config.parentCheckpointStep);
    if (!chosen)
      throw new BundleError(
        `parent run ${config.parentRunId} has no checkpoint${config.parentCheckpointStep === undefined ? '' : ` at step ${config.parentCheckpointStep}`} to put in run ${runId}'s bundle`,
      );
    parent = { runId: config.parentRunId, step: chosen.step };
    const target = join(paths.parent, checkpointFolderName(chosen.step));
    if (!existsSync(target)) copyFolderAtomic(checkpointFolder(dataDir, chosen), target);
  }

  // The pixel cache at the run's input size, built here if missing, so nodes never decode images.
  await ensureImageCache(db, run.datasetId, inputSize, { dataDir, verify: false });
  const cache = requirePixelCache(dataDir, run.datasetId, inputSize);
  mkdirSync(paths.cache, { recursive: true });
  for (const file of pixelCacheFiles(dataDir, cache))
    copyFileAtomic(file, join(paths.cache, file.split(/[\\/]/).pop()!));

  writeCatalog(db, dataDir, runId, run.datasetId, run.splitId, parent, paths.catalog);

  const manifest: BundleManifest = {
    format: bundleFormat,
    version: bundleVersion,
    labId: readLabId(db),
    runId,
    name: run.name,
    stage: run.stage,
    seed: run.seed,
    totalSteps: run.totalSteps,
    datasetId: run.datasetId,
    splitId: run.splitId,
    inputSize,
    parent,
    config: run.config,
    createdAt: new Date().toISOString(),
  };
  writeFileSync(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, manifest };
}

/**
 * input/catalog.sqlite: the lab's schema with only this run's dataset (identities, images,
 * attributes, tags), its split, the run itself (queued) and its parent with the chosen checkpoint.
 * Built in local temp storage, then copied into the bundle in DELETE journal mode (one file).
 */
function writeCatalog(
  db: LabDatabase,
  dataDir: string,
  runId: number,
  datasetId: number,
  splitId: number,
  parent: BundleManifest['parent'],
  target: string,
): void {
  const work = mkdtempSync(join(tmpdir(), 'ddl-bundle-catalog-'));
  try {
    const file = join(work, 'catalog.sqlite');
    openDatabase(file).close(); // the lab's schema, every migration
    const catalog = connectDatabase(file);
    try {
      catalog.pragma('foreign_keys = OFF');
      catalog.prepare('ATTACH DATABASE ? AS lab').run(databasePath(dataDir));
      catalog.transaction(() => {
        catalog.exec('DELETE FROM main.lab_meta; INSERT INTO main.lab_meta SELECT * FROM lab.lab_meta');
        const byDataset = ['datasets', 'identities', 'images', 'attribute_columns', 'image_attributes', 'image_tags'];
        for (const table of byDataset) {
          const column = table === 'datasets' ? 'id' : 'dataset_id';
          catalog.prepare(`INSERT INTO main.${table} SELECT * FROM lab.${table} WHERE ${column} = ?`).run(datasetId);
        }
        catalog.prepare('INSERT INTO main.splits SELECT * FROM lab.splits WHERE id = ?').run(splitId);
        catalog
          .prepare('INSERT INTO main.split_members SELECT * FROM lab.split_members WHERE split_id = ?')
          .run(splitId);
        const runs = parent ? [runId, parent.runId] : [runId];
        for (const id of runs) catalog.prepare('INSERT INTO main.runs SELECT * FROM lab.runs WHERE id = ?').run(id);
        // The run starts afresh in the catalogue: the bundle's output/ holds its progress.
        catalog
          .prepare(
            "UPDATE main.runs SET status = 'queued', pid = NULL, last_step = 0, attempts = 0, error = NULL, cancel_requested_at = NULL, started_at = NULL, finished_at = NULL WHERE id = ?",
          )
          .run(runId);
        if (parent) {
          catalog.prepare('UPDATE main.runs SET parent_run_id = NULL WHERE id = ?').run(parent.runId);
          catalog
            .prepare('INSERT INTO main.run_checkpoints SELECT * FROM lab.run_checkpoints WHERE run_id = ? AND step = ?')
            .run(parent.runId, parent.step);
        }
      })();
      catalog.exec('DETACH DATABASE lab');
      catalog.pragma('journal_mode = DELETE');
    } finally {
      catalog.close();
    }
    if (!getRunRecord(db, runId)) throw new BundleError(`run ${runId} was deleted while its bundle was written`);
    copyFileAtomic(file, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function copyFileAtomic(from: string, to: string): void {
  const temp = `${to}.tmp-${process.pid}`;
  copyFileSync(from, temp);
  renameSync(temp, to);
}

/** Copies a folder to a temp name beside the target, then renames it into place. */
export function copyFolderAtomic(from: string, to: string): void {
  const temp = `${to}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  cpSync(from, temp, { recursive: true });
  rmSync(to, { recursive: true, force: true });
  renameSync(temp, to);
}

/** The `step-NNNNNN` checkpoint folders under `dir`, ascending by step (temp copies ignored). */
export function listCheckpointSteps(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => /^step-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}
