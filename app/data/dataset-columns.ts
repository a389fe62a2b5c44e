import { attributeColumns, attributeValues } from '../store/attributes-repo.js';
import { requireDataset } from '../store/datasets-repo.js';
import type { LabDatabase } from '../store/db.js';
import { datasetTags } from '../store/tags-repo.js';
import { sql } from '../store/statements.js';
import { measuredAttributeNames } from './measured-attributes.js';

// A dataset as typed-array columns indexed by image idx: what split rules, histograms and
// samplers scan. Loaded once per dataset revision and kept, so a rule builder changing a
// threshold re-evaluates without touching SQLite.

export interface NumericColumn {
  kind: 'numeric';
  source: 'file' | 'measured';
  /** NaN where missing. */
  values: Float64Array;
  min: number;
  max: number;
  /** Standard deviation over present values (1 when constant): the unit of boundary margins. */
  scale: number;
  missing: number;
}

export interface CategoricalColumn {
  kind: 'categorical';
  source: 'file';
  /** Index into `categories`, -1 where missing. */
  codes: Int32Array;
  categories: string[];
  missing: number;
}

export type AttributeColumnData = NumericColumn | CategoricalColumn;

export interface DatasetColumns {
  datasetId: number;
  revision: number;
  count: number;
  /** Image id of each idx. */
  ids: Int32Array;
  /** Identity index (0..C-1) of each idx. */
  identity: Int32Array;
  identityCount: number;
  idToIdx: Map<number, number>;
  /** File attributes then measured ones, by name. */
  attributes: Map<string, AttributeColumnData>;
  /** 1 where the image carries the tag. */
  tags: Map<string, Uint8Array>;
}

const cache = new WeakMap<LabDatabase, Map<number, DatasetColumns>>();

export function loadDatasetColumns(db: LabDatabase, datasetId: number): DatasetColumns {
  const dataset = requireDataset(db, datasetId);
  let perDb = cache.get(db);
  if (!perDb) cache.set(db, (perDb = new Map()));
  const cached = perDb.get(datasetId);
  if (cached && cached.revision === dataset.revision) return cached;

  const rows = sql<[number, number, number, number, number, number, number, number]>(
    db,
    'SELECT id, idx, identity_idx, width, height, sharpness, brightness, contrast FROM images WHERE dataset_id = ? ORDER BY idx',
  )
    .raw(true)
    .all(datasetId);
  const count = rows.length;
  const ids = new Int32Array(count);
  const identity = new Int32Array(count);
  const measured = measuredAttributeNames.map(() => new Float64Array(count));
  const idToIdx = new Map<number, number>();
  let identityCount = 0;
  for (let i = 0; i < count; i++) {
    const r = rows[i]!;
    if (r[1] !== i) throw new Error(`Dataset ${datasetId} has a gap in its image rows at ${i}; re-import it.`);
    ids[i] = r[0];
    identity[i] = r[2];
    identityCount = Math.max(identityCount, r[2] + 1);
    idToIdx.set(r[0], i);
    for (let m = 0; m < measured.length; m++) measured[m]![i] = r[3 + m]!;
  }

  const attributes = new Map<string, AttributeColumnData>();
  for (const column of attributeColumns(db, datasetId)) {
    const values = attributeValues(db, datasetId, column.name);
    if (column.kind === 'numeric') {
      const out = new Float64Array(count).fill(NaN);
      for (const v of values) {
        const i = idToIdx.get(v.imageId);
        if (i !== undefined && v.num !== null) out[i] = v.num;
      }
      attributes.set(column.name, numericColumn(out, 'file'));
    } else {
      const codes = new Int32Array(count).fill(-1);
      const categories: string[] = [];
      const codeOf = new Map<string, number>();
      for (const v of values) {
        const i = idToIdx.get(v.imageId);
        if (i === undefined || v.text === null) continue;
        let code = codeOf.get(v.text);
        if (code === undefined) {
          code = categories.length;
          categories.push(v.text);
          codeOf.set(v.text, code);
        }
        codes[i] = code;
      }
      let missing = 0;
      for (let i = 0; i < count; i++) if (codes[i]! < 0) missing++;
      attributes.set(column.name, { kind: 'categorical', source: 'file', codes, categories, missing });
    }
  }
  measuredAttributeNames.forEach((name, m) => attributes.set(name, numericColumn(measured[m]!, 'measured')));

  const tags = new Map<string, Uint8Array>();
  for (const [tag, imageIds] of datasetTags(db, datasetId)) {
    const mask = new Uint8Array(count);
    for (const id of imageIds) {
      const i = idToIdx.get(id);
      if (i !== undefined) mask[i] = 1;
    }
    tags.set(tag, mask);
  }

  const columns: DatasetColumns = {
    datasetId,
    revision: dataset.revision,
    count,
    ids,
    identity,
    identityCount,
    idToIdx,
    attributes,
    tags,
  };
  perDb.set(datasetId, columns);
  return columns;
}

function numericColumn(values: Float64Array, source: 'file' | 'measured'): NumericColumn {
  let n = 0,
    sum = 0,
    sumSq = 0,
    min = Infinity,
    max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = n ? sum / n : 0;
  const std = n ? Math.sqrt(Math.max(0, sumSq / n - mean * mean)) : 0;
  return {
    kind: 'numeric',
    source,
    values,
    min: n ? min : NaN,
    max: n ? max : NaN,
    scale: std > 0 ? std : 1,
    missing: values.length - n,
  };
}
