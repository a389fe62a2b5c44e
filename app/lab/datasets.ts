import { existsSync, rmSync } from 'node:fs';
import { ensureImageCache, type EnsureCacheOptions, type EnsureCacheResult } from '../data/ensure-image-cache.js';
import { importDataset as runImport, type ImportOptions, type ImportResult } from '../data/import-dataset.js';
import { importerState, type ImportMarker } from '../data/import-marker.js';
import type { FaceMode } from '../data/face-attributes.js';
import { FaceFinder } from '../faces/index.js';
import { extractedFolderOf } from '../data/insightface/extract-insightface.js';
import {
  importInsightfaceFile,
  isInsightfaceFile,
  type InsightfaceImportResult,
} from '../data/insightface/import-insightface.js';
import { removeDatasetCache } from '../data/pixel-cache.js';
import { attributeColumns, type AttributeColumn } from '../store/attributes-repo.js';
import { badFileReasons, listBadFiles, type BadFileRecord } from '../store/bad-files-repo.js';
import { datasetDependents, markImportInterrupted, type DatasetDependents } from '../store/dataset-lifecycle.js';
import {
  deleteDataset,
  findDataset as findDatasetRow,
  getDataset as getDatasetRow,
  listDatasets as listDatasetRows,
  type DatasetRecord,
} from '../store/datasets-repo.js';
import { listPairLists, type PairListRecord } from '../store/pairs-repo.js';
import { listSplits } from '../store/splits-repo.js';
import { runDirectory } from '../train/checkpoint-files.js';
import { recoverInterruptedRuns } from '../train/run-control.js';
import { LabOperationError, type Lab } from './lab.js';

// Datasets: import, list, show, re-cache, remove, and recovery of imports whose process died.
// An import records the dataset `importing` with a marker naming its process; readers show an
// importing dataset whose process is gone as `failed` (interrupted) without writing, and
// `recoverInterruptedImports` (service start-up, the CLI's writing commands) records it so and
// deletes its partial cache.

export type { DatasetRecord, DatasetStatus, DatasetKind } from '../store/datasets-repo.js';
export type { ImportProgress, ImportResult } from '../data/import-dataset.js';
export type { EnsureCacheResult } from '../data/ensure-image-cache.js';
export { isInsightfaceFile } from '../data/insightface/import-insightface.js';

/** Why an `importing` dataset is dead, or null while its importer still runs. */
function interruptedImportError(lab: Lab, record: DatasetRecord): string | null {
  if (record.status !== 'importing') return null;
  const state = importerState(lab.dataDir, record.id);
  if (state.alive) return null;
  return `import interrupted: ${describeImporter(state.marker)} is gone (killed or crashed) before the import finished; remove this dataset and import the folder again.`;
}

function describeImporter(marker: ImportMarker | null): string {
  return marker
    ? `the importing process (pid ${marker.pid}${marker.startedAt ? `, started ${marker.startedAt}` : ''})`
    : 'the importing process';
}

/** The record as it truly stands: an import nobody is running any more is `failed`, whatever the row says. */
function present(lab: Lab, record: DatasetRecord): DatasetRecord {
  const error = interruptedImportError(lab, record);
  return error ? { ...record, status: 'failed', error } : record;
}

export function listDatasets(lab: Lab): DatasetRecord[] {
  return listDatasetRows(lab.db).map((record) => present(lab, record));
}

export function getDataset(lab: Lab, datasetId: number): DatasetRecord | undefined {
  const record = getDatasetRow(lab.db, datasetId);
  return record && present(lab, record);
}

/** A dataset by id ("3", 3) or by name (the newest of that name). */
export function findDataset(lab: Lab, idOrName: string | number): DatasetRecord | undefined {
  const record = findDatasetRow(lab.db, idOrName);
  return record && present(lab, record);
}

export interface DatasetDetail extends DatasetRecord {
  attributes: AttributeColumn[];
  pairLists: PairListRecord[];
  splits: Array<{ id: number; name: string; createdAt: string }>;
  badFileReasons: Record<string, number>;
  bad: BadFileRecord[];
}

export function datasetDetail(lab: Lab, dataset: DatasetRecord): DatasetDetail {
  const { db } = lab;
  return {
    ...dataset,
    attributes: attributeColumns(db, dataset.id),
    pairLists: listPairLists(db, dataset.id),
    splits: listSplits(db, dataset.id).map((s) => ({ id: s.id, name: s.name, createdAt: s.createdAt })),
    badFileReasons: badFileReasons(db, dataset.id),
    bad: listBadFiles(db, dataset.id, 0, 100_000).items,
  };
}

/**
 * Start-up recovery: every dataset left `importing` by a process that is gone becomes `failed`
 * (the error says it was interrupted) and its partial cache files are deleted. Returns them.
 */
export function recoverInterruptedImports(lab: Lab): DatasetRecord[] {
  const recovered: DatasetRecord[] = [];
  for (const record of listDatasetRows(lab.db)) {
    const error = interruptedImportError(lab, record);
    if (error === null || !markImportInterrupted(lab.db, record.id, error)) continue;
    removeDatasetCache(lab.dataDir, record.id);
    recovered.push(getDatasetRow(lab.db, record.id)!);
  }
  return recovered;
}

export type DatasetImportOptions = Omit<ImportOptions, 'db' | 'dataDir' | 'faces'> & {
  /** `detect`: align the largest face of each photo; `detect-all`: every face; `none` (default): images as they are. */
  faces?: FaceMode;
  /** Narrowest face that is aligned (source pixels), default 24. */
  minFaceSize?: number;
};

// The face models load once per process (a few hundred ms) and serve every later import.
let faceFinder: Promise<FaceFinder> | undefined;
function loadFaceFinder(): Promise<FaceFinder> {
  faceFinder ??= FaceFinder.load().catch((error: unknown) => {
    faceFinder = undefined;
    throw error;
  });
  return faceFinder;
}

/** Imports a folder (or list file) as a new dataset; see app/data/import-dataset.ts for the stages. */
export async function importDataset(
  lab: Lab,
  options: DatasetImportOptions,
): Promise<ImportResult | InsightfaceImportResult> {
  recoverInterruptedImports(lab);
  const { faces: mode = 'none', minFaceSize, ...rest } = options;
  // An insightface .bin / .rec (already aligned faces) is extracted into the data folder first (app/data/insightface/).
  if (isInsightfaceFile(rest.root)) return importInsightfaceFile({ ...rest, db: lab.db, dataDir: lab.dataDir });
  const faces = mode === 'none' ? undefined : { mode, detector: await loadFaceFinder(), minFaceSize };
  return runImport({ ...rest, faces, db: lab.db, dataDir: lab.dataDir });
}

/** Builds (or refreshes) a dataset's pixel cache at `size`; only a `ready` dataset has images to cache. */
export async function cacheDataset(
  lab: Lab,
  datasetId: number,
  size: number,
  options: Omit<EnsureCacheOptions, 'dataDir'> = {},
): Promise<EnsureCacheResult> {
  const dataset = requireDataset(lab, datasetId);
  if (dataset.status !== 'ready')
    throw new LabOperationError(
      `dataset ${dataset.id} "${dataset.name}" is ${dataset.status}${dataset.error ? ` (${dataset.error})` : ''}; only a ready dataset can be cached.`,
      'conflict',
    );
  return ensureImageCache(lab.db, dataset.id, size, { ...options, dataDir: lab.dataDir });
}

export interface DatasetRemoval {
  dataset: { id: number; name: string; root: string };
  /** Records forgotten with it. */
  images: number;
  splits: number;
  pairLists: number;
  /** Ids of the runs removed with it (only with `withRuns`). */
  runs: number[];
  evaluations: number;
  /** Folders deleted from the data directory: its cache, its runs' checkpoint folders, images extracted from an insightface file. */
  folders: string[];
  /** It was an import whose process had died. */
  interruptedImport: boolean;
}

/**
 * Forgets a dataset and everything recorded about it, and deletes its cache. Refuses while its
 * import runs, while any of its runs is queued or running, and, unless `withRuns`, while it has
 * runs or evaluations (which then go too, checkpoint folders included). The image files in its
 * root are never touched, unless the lab extracted them itself from an insightface file.
 */
export function removeDataset(lab: Lab, datasetId: number, options: { withRuns?: boolean } = {}): DatasetRemoval {
  const { db, dataDir } = lab;
  const record = getDatasetRow(db, datasetId);
  if (!record) throw notFound(datasetId);
  const label = `dataset ${record.id} "${record.name}"`;
  if (record.status === 'importing') {
    const state = importerState(dataDir, record.id);
    if (state.alive)
      throw new LabOperationError(
        `${label} is still being imported by process ${state.marker.pid} (since ${state.marker.startedAt}); cancel that import first (its job in the app, or Ctrl-C where "ddl-lab dataset import" runs), then remove it.`,
        'conflict',
      );
  }
  recoverInterruptedRuns(db);
  // Checked and deleted in one write transaction: no run can be added between the check and the delete.
  const dependents = db
    .transaction(() => {
      const found = datasetDependents(db, record.id);
      refuseRemoval(label, found, options.withRuns === true);
      deleteDataset(db, record.id);
      return found;
    })
    .immediate();
  const runIds = dependents.runs.map((r) => r.id);
  // Its pixel caches go wherever they are: inside the data folder or in the cache folder.
  const folders = [
    ...removeDatasetCache(dataDir, record.id),
    ...[...runIds.map((id) => runDirectory(dataDir, id)), ...extractedFolderOf(dataDir, record.root)].filter(
      (folder) => {
        if (!existsSync(folder)) return false;
        rmSync(folder, { recursive: true, force: true });
        return true;
      },
    ),
  ];
  return {
    dataset: { id: record.id, name: record.name, root: record.root },
    images: dependents.images,
    splits: dependents.splits,
    pairLists: dependents.pairLists,
    runs: runIds,
    evaluations: dependents.evaluations,
    folders,
    interruptedImport: record.status === 'importing',
  };
}

/** One paragraph saying exactly what a removal removed (and what it left alone). */
export function describeRemoval(removal: DatasetRemoval): string {
  const { dataset } = removal;
  const records = [
    plural(removal.images, 'image'),
    plural(removal.splits, 'split'),
    plural(removal.pairLists, 'pair list'),
    removal.runs.length > 0 ? describeRuns(removal.runs) : '0 runs',
    plural(removal.evaluations, 'evaluation'),
  ].join(', ');
  const lines = [
    `Removed dataset ${dataset.id} "${dataset.name}"${removal.interruptedImport ? ' (an interrupted import)' : ''}: ${records}.`,
    removal.folders.length > 0
      ? `Deleted: ${removal.folders.join(', ')}.`
      : 'No folders to delete (no pixel caches, run or extracted image folders).',
    `Its files in ${dataset.root} are untouched.`,
  ];
  return `${lines.join('\n')}\n`;
}

function refuseRemoval(label: string, dependents: DatasetDependents, withRuns: boolean): void {
  const active = dependents.runs.filter((r) => r.status === 'queued' || r.status === 'running');
  if (active.length > 0)
    throw new LabOperationError(
      `${label} has ${describeRuns(active.map((r) => r.id))} still ${active.length > 1 ? 'queued or running' : active[0]!.status}; cancel ${active.length > 1 ? 'them' : 'it'} first ("ddl-lab runs cancel ${active[0]!.id}").`,
      'conflict',
    );
  const runIds = dependents.runs.map((r) => r.id);
  if (!withRuns && (runIds.length > 0 || dependents.evaluations > 0))
    throw new LabOperationError(
      `${label} has ${[runIds.length > 0 ? describeRuns(runIds) : '', dependents.evaluations > 0 ? plural(dependents.evaluations, 'evaluation') : ''].filter(Boolean).join(' and ')}; delete them first, or remove the dataset with its runs (--with-runs), which also deletes their evaluations and checkpoint folders.`,
      'conflict',
    );
}

function requireDataset(lab: Lab, datasetId: number): DatasetRecord {
  const record = getDataset(lab, datasetId);
  if (!record) throw notFound(datasetId);
  return record;
}

function notFound(datasetId: number): LabOperationError {
  return new LabOperationError(
    `no dataset ${datasetId}; "ddl-lab dataset list" shows the datasets there are.`,
    'not_found',
  );
}

function describeRuns(ids: number[]): string {
  return `${ids.length} run${ids.length > 1 ? 's' : ''} (${ids.join(', ')})`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
