import type { LabParams } from '../../../app/api/contract/index.js';

// The Datasets page's Import form: its fields, turned into the `datasets.import` parameters
// (empty optional fields are left out; the pixel cache format is always the one shown).

export type ImportFaces = 'none' | 'detect' | 'detect-all';
export type ImportCache = 'raw' | 'png';

export interface ImportFormFields {
  path: string;
  name: string;
  attributesFile: string;
  pairsFile: string;
  faces: ImportFaces;
  cache: ImportCache;
}

export const emptyImportForm: ImportFormFields = {
  path: '',
  name: '',
  attributesFile: '',
  pairsFile: '',
  faces: 'none',
  cache: 'raw',
};

/** The pixel cache choices, as the form shows them (the command line's `--cache raw|png`). */
export const importCacheChoices: { value: ImportCache; label: string }[] = [
  { value: 'raw', label: 'raw (fastest)' },
  { value: 'png', label: 'png (≈half the disk)' },
];

export function importParams(fields: ImportFormFields): LabParams<'datasets.import'> {
  const optional = (value: string) => value.trim() || undefined;
  const params: LabParams<'datasets.import'> = { path: fields.path.trim() };
  const name = optional(fields.name);
  const attributesFile = optional(fields.attributesFile);
  const pairsFile = optional(fields.pairsFile);
  if (name) params.name = name;
  if (attributesFile) params.attributesFile = attributesFile;
  if (pairsFile) params.pairsFile = pairsFile;
  if (fields.faces !== 'none') params.faces = fields.faces;
  params.cache = fields.cache;
  return params;
}
