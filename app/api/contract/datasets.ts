import { z } from 'zod';
import { idSchema } from '../../vocabulary/index.js';
import {
  attributeFilterSchema,
  attributesSchema,
  categoryCountSchema,
  jobRefSchema,
  noParams,
  numericBinSchema,
  pageParams,
  pagedSchema,
  timestampSchema,
} from './common.js';

// datasets.* and synth.*: local face datasets, browsed as a grid, and the SynthFaces generator.

export const attributeInfoSchema = z.object({
  name: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  /** `file`: from the attributes CSV / generator ground truth; `measured`: computed at import (sharpness...). */
  source: z.enum(['file', 'measured']),
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
  /** Categorical values seen (at most 100). */
  values: z.array(z.string()).optional(),
});
export type AttributeInfo = z.infer<typeof attributeInfoSchema>;

export const pairListSummarySchema = z.object({
  id: idSchema,
  name: z.string(),
  pairCount: z.int().min(0),
  genuineCount: z.int().min(0),
  impostorCount: z.int().min(0),
  /** Pairs per type when the list is tagged (SynthFaces lists are); empty when untagged. */
  byType: z.record(z.string(), z.int().min(0)),
});
export type PairListSummary = z.infer<typeof pairListSummarySchema>;

export const datasetSummarySchema = z.object({
  id: idSchema,
  name: z.string(),
  kind: z.enum(['imagefolder', 'list', 'synth']),
  /** Folder the images are read from (never modified). */
  root: z.string(),
  createdAt: timestampSchema,
  /** `importing` while its import job runs; `failed` when nothing could be imported (see `error`). */
  status: z.enum(['importing', 'ready', 'failed']),
  error: z.string().nullable(),
  imageCount: z.int().min(0),
  identityCount: z.int().min(0),
  badFileCount: z.int().min(0),
  attributes: z.array(attributeInfoSchema),
});
export type DatasetSummary = z.infer<typeof datasetSummarySchema>;

export const datasetDetailSchema = datasetSummarySchema.extend({
  pairLists: z.array(pairListSummarySchema),
  /** Bad-file counts per reason, e.g. { truncated: 2, 'not an image': 1 }. */
  badFileReasons: z.record(z.string(), z.int().min(0)),
});
export type DatasetDetail = z.infer<typeof datasetDetailSchema>;

/** One image. Its pixels come by id through the media URL (`imageUrl` of the client), never by path. */
export const imageItemSchema = z.object({
  id: idSchema,
  datasetId: idSchema,
  identity: z.string(),
  /** Path relative to the dataset root, for display only. */
  path: z.string(),
  width: z.int().min(0),
  height: z.int().min(0),
  attributes: attributesSchema,
  /**
   * The face this image was cut from, when imported with "Find and align faces": its index among
   * the file's faces (largest first), the detector box and the five alignment points (eye centres,
   * nose tip, mouth corners) in source pixels. Absent or null for images used as they are.
   */
  face: z
    .object({
      index: z.int().min(0),
      box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
      points: z.array(z.tuple([z.number(), z.number()])),
    })
    .nullable()
    .optional(),
});
export type ImageItem = z.infer<typeof imageItemSchema>;

/** How an import treats faces: as they are, the largest face of each photo aligned, or every face. */
export const faceModeSchema = z.enum(['none', 'detect', 'detect-all']);
export type FaceImportMode = z.infer<typeof faceModeSchema>;

export const identityItemSchema = z.object({ identity: z.string(), imageCount: z.int().min(0) });
export type IdentityItem = z.infer<typeof identityItemSchema>;

export const badFileSchema = z.object({
  /** An image file, or a line of the attributes CSV, pairs list or list file. */
  source: z.enum(['image', 'attributes', 'pairs', 'list']),
  path: z.string(),
  /** 1-based line for CSV / list / pairs problems. */
  line: z.int().nullable(),
  /** Short category: "truncated", "not an image", "duplicate", "missing image"... */
  reason: z.string(),
  /** What exactly went wrong and what to do. */
  detail: z.string().nullable(),
});
export type BadFile = z.infer<typeof badFileSchema>;

export const attributeHistogramSchema = z.discriminatedUnion('kind', [
  z.object({
    attribute: z.string(),
    kind: z.literal('numeric'),
    bins: z.array(numericBinSchema),
    missing: z.int().min(0),
  }),
  z.object({
    attribute: z.string(),
    kind: z.literal('categorical'),
    categories: z.array(categoryCountSchema),
    missing: z.int().min(0),
  }),
]);
export type AttributeHistogram = z.infer<typeof attributeHistogramSchema>;

const datasetIdParams = z.strictObject({ datasetId: idSchema });

export const datasetMethods = {
  /** Import a folder (ImageFolder layout), or an insightface .bin / .rec file, by path; progress as `job.progress`, the new dataset id in `job.finished`. */
  'datasets.import': {
    params: z.strictObject({
      path: z.string().min(1, 'choose the folder to import'),
      name: z.string().min(1).max(200).optional(),
      /** Attributes CSV (`path,<attr>...`); default: `attributes.csv` in the folder when present. */
      attributesFile: z.string().min(1).optional(),
      /** Pairs list (LFW pairs.txt or CSV path1,path2,same); default: `pairs.txt`/`pairs.csv` in the folder. */
      pairsFile: z.string().min(1).optional(),
      /** "Find and align faces": `detect` keeps the largest face of each photo, `detect-all` every face; default `none`. */
      faces: faceModeSchema.optional(),
      /** How the pixel cache stores images: `raw` RGB (default) or lossless `png` (about half the disk, decoded while training). */
      cache: z.enum(['raw', 'png']).optional(),
    }),
    result: jobRefSchema,
  },
  'datasets.list': { params: noParams, result: z.object({ datasets: z.array(datasetSummarySchema) }) },
  'datasets.get': { params: datasetIdParams, result: datasetDetailSchema },
  /** A window of the image grid, filtered by identity and attributes. */
  'datasets.images': {
    params: z.strictObject({
      datasetId: idSchema,
      ...pageParams,
      identity: z.string().optional(),
      filters: z.array(attributeFilterSchema).max(20).default([]),
      /** Restrict to one side of a saved split. */
      splitId: idSchema.optional(),
      side: z.enum(['easy', 'hard']).optional(),
    }),
    result: pagedSchema(imageItemSchema),
  },
  /**
   * The cached input pixels of images (the aligned crops of a face dataset) as PNG data URLs, at
   * the dataset's first cached size; at most 200 per call (one grid page).
   */
  'datasets.cachedPixels': {
    params: z.strictObject({ datasetId: idSchema, imageIds: z.array(idSchema).min(1).max(200) }),
    result: z.object({ size: z.int().min(1), items: z.array(z.object({ imageId: idSchema, dataUrl: z.string() })) }),
  },
  /** One image with every attribute (the Inspect page's detail view). */
  'datasets.image': { params: z.strictObject({ datasetId: idSchema, imageId: idSchema }), result: imageItemSchema },
  /** Identities with image counts, largest first unless searched. */
  'datasets.identities': {
    params: z.strictObject({ datasetId: idSchema, ...pageParams, search: z.string().max(200).optional() }),
    result: pagedSchema(identityItemSchema),
  },
  /** Histograms of the dataset's attributes (all when `attributes` is omitted). */
  'datasets.histograms': {
    params: z.strictObject({
      datasetId: idSchema,
      attributes: z.array(z.string()).max(50).optional(),
      bins: z.int().min(2).max(200).default(24),
    }),
    result: z.object({ histograms: z.array(attributeHistogramSchema) }),
  },
  /** Files that could not be imported, with the reason. */
  'datasets.badFiles': {
    params: z.strictObject({ datasetId: idSchema, ...pageParams }),
    result: pagedSchema(badFileSchema),
  },
  /**
   * Forget a dataset (its records, cache, splits); image files on disk are left untouched. Refused
   * (conflict) while its import runs, and while it has runs or evaluations unless `withRuns`, which
   * removes them too with their checkpoint folders. The result says what went.
   */
  'datasets.remove': {
    params: datasetIdParams.extend({ withRuns: z.boolean().optional() }),
    result: z.object({
      removed: z.boolean(),
      images: z.int().min(0).optional(),
      splits: z.int().min(0).optional(),
      pairLists: z.int().min(0).optional(),
      runs: z.array(idSchema).optional(),
      evaluations: z.int().min(0).optional(),
      /** Folders deleted from the data directory (the cache, the runs' checkpoint folders). */
      folders: z.array(z.string()).optional(),
    }),
  },
} as const;

export const synthPresetSchema = z.enum(['pose', 'resolution', 'mixed']);
export type SynthPreset = z.infer<typeof synthPresetSchema>;

export const synthMethods = {
  /** Generate SynthFaces into the data directory, then import it; `job.finished` carries the dataset id. */
  'synth.generate': {
    params: z.strictObject({
      preset: synthPresetSchema.default('pose'),
      identities: z.int().min(2).max(20_000).default(100),
      perIdentity: z.int().min(3, 'each identity needs at least 2 easy and 1 hard image').max(500).default(12),
      size: z.int().min(32).max(256).default(64),
      seed: z.int().min(0).default(1),
      name: z.string().min(1).max(200).optional(),
    }),
    result: jobRefSchema,
  },
} as const;
