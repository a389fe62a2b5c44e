import type {
  AttributeFilter,
  AttributeHistogram,
  AttributeInfo,
  DatasetSummary,
  ImageItem,
} from '../contract/index.js';
import { LabApiError } from '../contract/index.js';
import type { AttributeColumnData, DatasetColumns } from '../../data/dataset-columns.js';
import { measuredAttributeNames } from '../../data/measured-attributes.js';
import { attributeColumns } from '../../store/attributes-repo.js';
import type { DatasetRecord } from '../../store/datasets-repo.js';
import type { LabDatabase } from '../../store/db.js';
import type { ImageFace } from '../../store/faces-repo.js';
import type { ImageRecord } from '../../store/images-repo.js';
import { apiId } from './ids.js';

// Store records and dataset columns -> the contract's dataset shapes.

export function attributeInfo(db: LabDatabase, datasetId: number, columns?: DatasetColumns): AttributeInfo[] {
  const file = attributeColumns(db, datasetId).map((c) => ({ name: c.name, kind: c.kind, source: 'file' as const }));
  const measured = measuredAttributeNames.map((name) => ({
    name,
    kind: 'numeric' as const,
    source: 'measured' as const,
  }));
  return [...file, ...measured].map((info) => {
    const column = columns?.attributes.get(info.name);
    if (!column) return info;
    if (column.kind === 'numeric') return { ...info, min: finiteOrNull(column.min), max: finiteOrNull(column.max) };
    return { ...info, values: column.categories.slice(0, 100) };
  });
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export function datasetSummary(db: LabDatabase, record: DatasetRecord, columns?: DatasetColumns): DatasetSummary {
  return {
    id: apiId(record.id),
    name: record.name,
    kind: record.kind,
    root: record.root,
    createdAt: record.createdAt,
    status: record.status,
    error: record.error,
    imageCount: record.imageCount,
    identityCount: record.identityCount,
    badFileCount: record.badCount,
    attributes: attributeInfo(db, record.id, columns),
  };
}

function columnValue(column: AttributeColumnData, i: number): number | string | null {
  if (column.kind === 'numeric') {
    const v = column.values[i]!;
    return Number.isNaN(v) ? null : v;
  }
  const code = column.codes[i]!;
  return code < 0 ? null : (column.categories[code] ?? null);
}

export function imageItem(
  image: ImageRecord,
  columns: DatasetColumns,
  identityNames: readonly string[],
  face?: ImageFace,
): ImageItem {
  const i = columns.idToIdx.get(image.id);
  const attributes: Record<string, number | string | null> = {};
  if (i !== undefined) for (const [name, column] of columns.attributes) attributes[name] = columnValue(column, i);
  return {
    id: apiId(image.id),
    datasetId: apiId(image.datasetId),
    identity: identityNames[image.identityIdx] ?? String(image.identityIdx),
    path: image.path,
    width: image.width,
    height: image.height,
    attributes,
    face: face ? { index: face.faceIndex, box: face.box, points: face.points } : null,
  };
}

/** A predicate over image idx for one attribute filter; throws invalid_params naming the filter. */
export function filterPredicate(
  columns: DatasetColumns,
  filter: AttributeFilter,
  field: string,
): (i: number) => boolean {
  const column = columns.attributes.get(filter.attribute);
  if (!column) {
    throw new LabApiError(
      'invalid_params',
      `${field}.attribute: this dataset has no attribute "${filter.attribute}"; it has ${[...columns.attributes.keys()].join(', ')}.`,
      `${field}.attribute`,
    );
  }
  if (column.kind === 'numeric') {
    const target = typeof filter.value === 'number' ? filter.value : Number(filter.value);
    if (!Number.isFinite(target)) {
      throw new LabApiError(
        'invalid_params',
        `${field}.value: "${filter.attribute}" is numeric; compare it with a number, got "${filter.value}".`,
        `${field}.value`,
      );
    }
    const compare = numericComparison(filter.op);
    return (i) => {
      const raw = column.values[i]!;
      if (Number.isNaN(raw)) return false;
      return compare(filter.abs ? Math.abs(raw) : raw, target);
    };
  }
  if (filter.op !== '==' && filter.op !== '!=') {
    throw new LabApiError(
      'invalid_params',
      `${field}.op: "${filter.attribute}" is a category; use == or !=, not ${filter.op}.`,
      `${field}.op`,
    );
  }
  const code = column.categories.indexOf(String(filter.value));
  return filter.op === '=='
    ? (i) => code >= 0 && column.codes[i] === code
    : (i) => column.codes[i]! >= 0 && column.codes[i] !== code;
}

function numericComparison(op: AttributeFilter['op']): (a: number, b: number) => boolean {
  switch (op) {
    case '<':
      return (a, b) => a < b;
    case '<=':
      return (a, b) => a <= b;
    case '>':
      return (a, b) => a > b;
    case '>=':
      return (a, b) => a >= b;
    case '==':
      return (a, b) => a === b;
    case '!=':
      return (a, b) => a !== b;
  }
}

export function attributeHistogram(name: string, column: AttributeColumnData, bins: number): AttributeHistogram {
  if (column.kind === 'categorical') {
    const counts = new Array<number>(column.categories.length).fill(0);
    for (let i = 0; i < column.codes.length; i++) {
      const c = column.codes[i]!;
      if (c >= 0) counts[c]! += 1;
    }
    const categories = column.categories
      .map((value, c) => ({ value, count: counts[c]! }))
      .sort((a, b) => b.count - a.count);
    return { attribute: name, kind: 'categorical', categories, missing: column.missing };
  }
  if (!Number.isFinite(column.min)) return { attribute: name, kind: 'numeric', bins: [], missing: column.missing };
  const lo = column.min;
  const hi = column.max > column.min ? column.max : column.min + 1;
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < column.values.length; i++) {
    const v = column.values[i]!;
    if (Number.isNaN(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
  }
  return {
    attribute: name,
    kind: 'numeric',
    bins: counts.map((count, b) => ({ x0: lo + b * width, x1: lo + (b + 1) * width, count })),
    missing: column.missing,
  };
}
