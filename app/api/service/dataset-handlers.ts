import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { LabApiError } from '../contract/index.js';
import { loadDatasetColumns } from '../../data/dataset-columns.js';
import {
  checkImportFolder,
  checkInputFile,
  InputPathError,
  type InputPathPolicy,
} from '../../data/input-path-policy.js';
import {
  getDataset,
  importDataset,
  isInsightfaceFile,
  listDatasets,
  recoverInterruptedImports,
  removeDataset,
  type DatasetRecord,
} from '../../lab/datasets.js';
import { LabOperationError, type Lab } from '../../lab/lab.js';
import { badFileReasons, listBadFiles } from '../../store/bad-files-repo.js';
import { getDataset as getDatasetRow } from '../../store/datasets-repo.js';
import type { LabDatabase } from '../../store/db.js';
import { datasetFaces, imageFace } from '../../store/faces-repo.js';
import { getImage, identityNames, listIdentities } from '../../store/images-repo.js';
import { listPairLists } from '../../store/pairs-repo.js';
import { splitMembers, getSplit } from '../../store/splits-repo.js';
import type { HandlersOf, ServiceContext } from './context.js';
import { attributeHistogram, datasetSummary, filterPredicate, imageItem } from './dataset-view.js';
import { cachedPixels } from './cached-pixels.js';
import { apiId, dbId } from './ids.js';

// datasets.*: import by folder path (a job), browse, filter, histograms, bad files, remove.

// Datasets are read through app/lab (an import whose process died shows as failed); the first
// call recovers such imports for good (this service's start-up) and deletes their partial caches.
const recoveredLabs = new WeakSet<LabDatabase>();

/** The service's Lab; the first time per database, imports left by a dead process are recovered. */
export function serviceLab(context: ServiceContext): Lab {
  const lab = { db: context.db(), dataDir: context.options.dataDir };
  if (!recoveredLabs.has(lab.db)) {
    recoveredLabs.add(lab.db);
    recoverInterruptedImports(lab);
  }
  return lab;
}

export function requireDatasetRecord(db: LabDatabase, datasetId: string): DatasetRecord {
  const record = getDatasetRow(db, dbId(datasetId, 'dataset'));
  if (!record)
    throw new LabApiError(
      'not_found',
      `No dataset with id "${datasetId}". datasets.list shows the datasets there are.`,
    );
  return record;
}

/** A folder given by a person: absolute, existing, a directory; otherwise invalid_params on `field`. */
export function checkFolder(path: string, field: string): string {
  if (!isAbsolute(path))
    throw new LabApiError(
      'invalid_params',
      `${field}: give the full path of the folder (it starts with / or a drive letter), got "${path}".`,
      field,
    );
  const full = resolve(path);
  if (!existsSync(full)) throw new LabApiError('invalid_params', `${field}: the folder ${full} does not exist.`, field);
  if (!statSync(full).isDirectory())
    throw new LabApiError(
      'invalid_params',
      `${field}: ${full} is a file; choose the folder that holds the identity folders.`,
      field,
    );
  return full;
}

function checkFile(path: string | undefined, field: string, root: string, policy: InputPathPolicy): string | undefined {
  if (path === undefined) return undefined;
  if (!isAbsolute(path) || !existsSync(path) || !statSync(path).isFile()) {
    throw new LabApiError('invalid_params', `${field}: ${path} is not an existing file (give its full path).`, field);
  }
  asFieldError(() => checkInputFile(path, field, root, policy), field);
  return resolve(path);
}

function asFieldError(check: () => void, field: string): void {
  try {
    check();
  } catch (error) {
    if (error instanceof InputPathError) throw new LabApiError('invalid_params', `${field}: ${error.message}`, field);
    throw error;
  }
}

/** Over the LabApi a list file must be in the dataset folder or in a folder picked in the desktop app. */
function importPolicy(context: ServiceContext): InputPathPolicy {
  return { outsideFiles: 'refuse', picked: context.options.pickedPaths?.() ?? [] };
}

export function startImportJob(
  context: ServiceContext,
  request: {
    root: string;
    name?: string;
    attributesFile?: string;
    pairsFile?: string;
    faces?: 'none' | 'detect' | 'detect-all';
    cache?: 'raw' | 'png';
  },
) {
  return context.jobs.start('import', async ({ signal, progress }) => {
    const result = await importDataset(serviceLab(context), {
      root: request.root,
      name: request.name,
      attributesFile: request.attributesFile,
      pairsFile: request.pairsFile,
      faces: request.faces,
      cacheFormat: request.cache,
      pathPolicy: importPolicy(context),
      signal,
      onProgress: (p) => progress(p.phase === 'images' ? 'reading images' : p.phase, p.done, p.total || null),
    });
    if (result.status === 'failed') throw new Error(result.error ?? `nothing could be imported from ${request.root}`);
    return { datasetId: apiId(result.id) };
  });
}

export function datasetHandlers(context: ServiceContext): HandlersOf<'datasets'> {
  const db = () => context.db();
  return {
    'datasets.import': async ({ path, name, attributesFile, pairsFile, faces, cache }) => {
      // An insightface .bin / .rec is imported as the file itself (app/lab extracts it); else a folder.
      const root = isAbsolute(path) && isInsightfaceFile(path) ? resolve(path) : checkFolder(path, 'path');
      asFieldError(() => checkImportFolder(root), 'path');
      const policy = importPolicy(context);
      const job = startImportJob(context, {
        root,
        name,
        attributesFile: checkFile(attributesFile, 'attributesFile', root, policy),
        pairsFile: checkFile(pairsFile, 'pairsFile', root, policy),
        faces,
        cache,
      });
      return { jobId: job.id };
    },

    'datasets.list': async () => ({
      datasets: listDatasets(serviceLab(context)).map((record) => datasetSummary(db(), record)),
    }),

    'datasets.get': async ({ datasetId }) => {
      const record = getDataset(serviceLab(context), requireDatasetRecord(db(), datasetId).id)!;
      const columns = record.status === 'ready' ? loadDatasetColumns(db(), record.id) : undefined;
      return {
        ...datasetSummary(db(), record, columns),
        pairLists: listPairLists(db(), record.id).map((list) => ({
          id: apiId(list.id),
          name: list.name,
          pairCount: list.pairCount,
          genuineCount: list.genuineCount,
          impostorCount: list.impostorCount,
          byType: list.byType,
        })),
        badFileReasons: badFileReasons(db(), record.id),
      };
    },

    'datasets.images': async ({ datasetId, offset, limit, identity, filters, splitId, side }) => {
      const record = requireDatasetRecord(db(), datasetId);
      const columns = loadDatasetColumns(db(), record.id);
      const names = identityNames(db(), record.id);
      const tests: Array<(i: number) => boolean> = filters.map((f, k) => filterPredicate(columns, f, `filters.${k}`));
      if (identity !== undefined) {
        const wanted = names.indexOf(identity);
        tests.push((i) => columns.identity[i] === wanted);
      }
      if (splitId !== undefined) {
        const split = getSplit(db(), dbId(splitId, 'split'));
        if (!split || split.datasetId !== record.id)
          throw new LabApiError('not_found', `Dataset ${datasetId} has no split "${splitId}".`);
        const members = splitMembers(db(), split.id);
        const keep = new Set(
          side === 'easy' ? members.easy : side === 'hard' ? members.hard : [...members.easy, ...members.hard],
        );
        tests.push((i) => keep.has(columns.ids[i]!));
      }
      const matches: number[] = [];
      for (let i = 0; i < columns.count; i++) if (tests.every((test) => test(i))) matches.push(i);
      const faces = datasetFaces(db(), record.id);
      const items = matches
        .slice(offset, offset + limit)
        .map((i) => imageItem(getImage(db(), columns.ids[i]!)!, columns, names, faces.get(columns.ids[i]!)));
      return { total: matches.length, offset, items };
    },

    'datasets.image': async ({ datasetId, imageId }) => {
      const record = requireDatasetRecord(db(), datasetId);
      const image = getImage(db(), dbId(imageId, 'image'));
      if (!image || image.datasetId !== record.id)
        throw new LabApiError('not_found', `Dataset ${datasetId} has no image ${imageId}.`);
      return imageItem(
        image,
        loadDatasetColumns(db(), record.id),
        identityNames(db(), record.id),
        imageFace(db(), image.id),
      );
    },

    'datasets.cachedPixels': async ({ datasetId, imageIds }) =>
      cachedPixels(serviceLab(context), requireDatasetRecord(db(), datasetId), imageIds),

    'datasets.identities': async ({ datasetId, offset, limit, search }) => {
      const record = requireDatasetRecord(db(), datasetId);
      const page = listIdentities(db(), record.id, { offset, limit, search });
      return {
        total: page.total,
        offset,
        items: page.items.map((i) => ({ identity: i.name, imageCount: i.imageCount })),
      };
    },

    'datasets.histograms': async ({ datasetId, attributes, bins }) => {
      const record = requireDatasetRecord(db(), datasetId);
      const columns = loadDatasetColumns(db(), record.id);
      const names = attributes ?? [...columns.attributes.keys()];
      return {
        histograms: names.map((name, k) => {
          const column = columns.attributes.get(name);
          if (!column)
            throw new LabApiError(
              'invalid_params',
              `attributes.${k}: this dataset has no attribute "${name}".`,
              `attributes.${k}`,
            );
          return attributeHistogram(name, column, bins);
        }),
      };
    },

    'datasets.badFiles': async ({ datasetId, offset, limit }) => {
      const record = requireDatasetRecord(db(), datasetId);
      const page = listBadFiles(db(), record.id, offset, limit);
      return {
        total: page.total,
        offset,
        items: page.items.map((b) => ({
          source: b.source,
          path: b.path,
          line: b.line,
          reason: b.reason,
          detail: b.detail,
        })),
      };
    },

    'datasets.remove': async ({ datasetId, withRuns }) => {
      const record = requireDatasetRecord(db(), datasetId);
      try {
        const removal = removeDataset(serviceLab(context), record.id, { withRuns });
        return {
          removed: true,
          images: removal.images,
          splits: removal.splits,
          pairLists: removal.pairLists,
          runs: removal.runs.map(apiId),
          evaluations: removal.evaluations,
          folders: removal.folders,
        };
      } catch (error) {
        if (error instanceof LabOperationError) throw new LabApiError(error.code, error.message);
        throw error;
      }
    },
  };
}
