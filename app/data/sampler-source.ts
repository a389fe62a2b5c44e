import { requireDataset } from '../store/datasets-repo.js';
import type { LabDatabase } from '../store/db.js';
import { readLabId } from '../store/lab-meta.js';
import { findSplit, splitMembers } from '../store/splits-repo.js';
import { loadDatasetColumns, type DatasetColumns } from './dataset-columns.js';
import { dataDirOf, type PixelRows } from './pixel-cache.js';
import { openPixelRows } from './pixel-cache-open.js';

// What both samplers start from: the dataset's columns, its pixel cache at the input size, and
// (when a split is named) each image's side.

export interface SamplerSource {
  columns: DatasetColumns;
  cache: PixelRows;
  classes: number;
  split: { id: number; name: string; easyIdx: Int32Array; hardIdx: Int32Array } | null;
}

export function openSamplerSource(opts: {
  db: LabDatabase;
  datasetId: number;
  splitId?: string | number;
  inputSize: number;
  dataDir?: string;
  residentLimit?: number;
  /** Helper threads a png cache decodes batches with. */
  decodeWorkers?: number;
}): SamplerSource {
  const dataset = requireDataset(opts.db, opts.datasetId);
  if (dataset.status !== 'ready')
    throw new Error(
      `Dataset ${dataset.id} (${dataset.name}) is ${dataset.status}${dataset.error ? `: ${dataset.error}` : ''}; import it again.`,
    );
  const columns = loadDatasetColumns(opts.db, opts.datasetId);
  let split: SamplerSource['split'] = null;
  if (opts.splitId !== undefined) {
    const record = findSplit(opts.db, opts.datasetId, opts.splitId);
    if (!record)
      throw new Error(
        `Dataset ${dataset.id} (${dataset.name}) has no split "${opts.splitId}"; create one with "ddl-lab split create".`,
      );
    const members = splitMembers(opts.db, record.id);
    const toIdx = (ids: number[]) =>
      Int32Array.from(ids.map((id) => columns.idToIdx.get(id)).filter((i): i is number => i !== undefined));
    split = { id: record.id, name: record.name, easyIdx: toIdx(members.easy), hardIdx: toIdx(members.hard) };
  }
  const cache = openPixelRows(dataDirOf(opts.db, opts.dataDir), opts.datasetId, opts.inputSize, {
    expectedCount: columns.count,
    residentLimit: opts.residentLimit,
    decodeWorkers: opts.decodeWorkers,
    labId: readLabId(opts.db),
  });
  return { columns, cache, classes: dataset.identityCount, split };
}
