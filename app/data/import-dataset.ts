import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  attributeColumns,
  setAttributeColumns,
  insertAttributeValues,
  type AttributeColumn,
  type AttributeValue,
} from '../store/attributes-repo.js';
import { insertBadFiles, type BadFileRecord } from '../store/bad-files-repo.js';
import {
  createDataset,
  deleteDataset,
  updateDataset,
  type DatasetKind,
  type DatasetPatch,
} from '../store/datasets-repo.js';
import type { LabDatabase } from '../store/db.js';
import { insertIdentities } from '../store/images-repo.js';
import { insertPairList, type NewPair, type PairListFormat } from '../store/pairs-repo.js';
import { readAttributesCsv } from './attributes-csv.js';
import { defaultMaxPixels, type ResizeFit } from './decode-image.js';
import { ImageCatalog } from './import-catalog.js';
import type { DecodeThreadStats } from './decode-threads.js';
import { importImages } from './import-images.js';
import { faceAttributeNames } from './face-attributes.js';
import { importFaceImages, type FaceStageOptions, type FaceStageReport } from './import-faces.js';
import { removeImportMarker, writeImportMarker } from './import-marker.js';
import { checkImportInputs, type InputPathPolicy } from './input-path-policy.js';
import { IssueLog } from './issue-log.js';
import { measuredAttributeNames } from './measured-attributes.js';
import type { PoolStats } from './ordered-pool.js';
import { readPairsFile } from './pairs-file.js';
import { saveSplit } from './evaluate-split.js';
import { dataDirOf, parseCacheFormat, removeDatasetCache, type CacheFormat } from './pixel-cache.js';
import { defaultMaxFileBytes } from './read-image-file.js';
import { scanImageFolder, type ImageCandidate } from './scan-image-folder.js';
import { scanListFile } from './scan-list-file.js';

// Dataset import: scan the folder (or list file), then stream every image through
// read -> hash -> decode -> measure -> resize with a bounded number in flight, writing each
// cache row and database row as it arrives. A bad file is recorded with its reason and skipped;
// only a missing root (or an abort) stops the import.

export interface ImportProgress {
  phase: 'extracting' | 'scanning' | 'images' | 'attributes' | 'pairs' | 'done';
  done: number;
  total: number;
  bad: number;
  /** The image just handled. */
  path?: string;
}

export interface ImportOptions {
  db: LabDatabase;
  /** Dataset folder: ImageFolder layout root/<identity>/<image>, or the root list-file paths are relative to. */
  root: string;
  /** Where the pixel cache goes; default: the database file's folder. */
  dataDir?: string;
  /** Default: the folder's name. */
  name?: string;
  /** `path label` list file; without it the root is read as an ImageFolder. */
  listFile?: string;
  /** Attributes CSV; default root/attributes.csv when present; null: none. */
  attributesFile?: string | null;
  /** Pairs list (LFW pairs.txt or CSV); default root/pairs.csv or root/pairs.txt when present; null: none. */
  pairsFile?: string | null;
  /** A split rule saved as a split after import; default root/split-rule.json (SynthFaces writes one) when present; null: none. */
  splitRuleFile?: string | null;
  /** Side of the cached square inputs, default 112. */
  inputSize?: number;
  /** How the pixel cache stores rows: `raw` (default) or `png` (lossless, about half the disk; pixel-cache.ts). */
  cacheFormat?: CacheFormat;
  fit?: ResizeFit;
  /** Decompression-bomb guard, default 40 MP. */
  maxPixels?: number;
  maxFileBytes?: number;
  /** Images decoded at once (read, decoded or waiting to be written), default 16: enough to keep the decode threads busy while the import thread writes. */
  concurrency?: number;
  /** Decode threads beside the import's own thread: default up to 4 for 200 images or more, 0 for none. */
  decodeThreads?: number;
  /** Which list files may be read (input-path-policy.ts); default: only those inside the dataset folder. */
  pathPolicy?: InputPathPolicy;
  /** Find and align faces (import-faces.ts); absent: images are used as they are. */
  faces?: FaceStageOptions;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportResult {
  id: number;
  name: string;
  kind: DatasetKind;
  root: string;
  status: 'ready' | 'failed';
  /** Why nothing was imported (status failed). */
  error: string | null;
  images: number;
  identities: number;
  /** Every problem: skipped image files, then attribute / pairs / list lines. */
  bad: BadFileRecord[];
  duplicates: number;
  /** Identities with a single image: imported, but they cannot give a positive pair. */
  singleImageIdentities: string[];
  attributes: {
    file: string;
    columns: AttributeColumn[];
    rows: number;
    matched: number;
    imagesWithoutRow: number;
  } | null;
  pairs: { file: string; listId: number; format: PairListFormat; folds: number; pairs: number; skipped: number } | null;
  /** The split saved from the split-rule file. */
  split: {
    file: string;
    id: number;
    name: string;
    easyImages: number;
    hardImages: number;
    usableIdentities: number;
  } | null;
  /** With `faces`: faces imported, files without a face, files with several (import-faces.ts). */
  faces?: FaceStageReport;
  /** Problems that are not about one file line, e.g. a split-rule file that does not validate. */
  warnings: string[];
  inputSize: number;
  seconds: number;
  imagesPerSecond: number;
  /** Streaming evidence: the most images ever in flight / held, against the concurrency. */
  stream: PoolStats & { concurrency: number; decode: DecodeThreadStats };
}

/** What an import will do, every default resolved: the output of the options stage. */
interface ImportPlan {
  root: string;
  name: string;
  kind: DatasetKind;
  dataDir: string;
  listFile: string | undefined;
  attributesFile: string | null;
  pairsFile: string | null;
  splitRuleFile: string | null;
  inputSize: number;
  maxPixels: number;
  maxFileBytes: number;
  concurrency: number;
  decodeThreads: number | undefined;
  fit: ResizeFit;
  cacheFormat: CacheFormat;
}

// The pipeline: options -> register -> scan -> images (read/measure -> dedupe -> write) ->
// identities and problems -> attributes -> pairs -> finish (status) -> split rule. Each stage is a
// named function; a failure anywhere marks the dataset failed, an abort removes it.
export async function importDataset(options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  const { db, signal, onProgress } = options;
  const plan = planImport(options);
  const datasetId = registerImport(db, plan);
  try {
    onProgress?.({ phase: 'scanning', done: 0, total: 0, bad: 0 });
    const listIssues = new IssueLog('list', plan.listFile ?? '');
    const scanned = await scanCandidates(plan, listIssues, signal);
    const total = scanned.candidates.length;

    const catalog = new ImageCatalog(scanned.bad);
    const stageOptions = {
      db,
      datasetId,
      dataDir: plan.dataDir,
      inputSize: plan.inputSize,
      maxPixels: plan.maxPixels,
      maxFileBytes: plan.maxFileBytes,
      fit: plan.fit,
      concurrency: plan.concurrency,
      decodeThreads: plan.decodeThreads,
      signal,
      onImage: (done: number, path: string) =>
        onProgress?.({ phase: 'images', done, total, bad: catalog.bad.length, path }),
    };
    const images = options.faces
      ? await importFaceImages(scanned.candidates, catalog, stageOptions, options.faces)
      : await importImages(scanned.candidates, catalog, stageOptions);
    const count = catalog.count;
    insertIdentities(db, datasetId, catalog.identityRows());
    insertBadFiles(db, datasetId, catalog.bad);

    const resolvePath = (path: string) => catalog.resolvePath(path);
    const attributes =
      plan.attributesFile && count > 0
        ? await importAttributes(
            db,
            datasetId,
            plan.attributesFile,
            resolvePath,
            images.idxToId,
            count,
            catalog.skipped,
            options.faces ? faceAttributeNames : [],
            (idx) => catalog.imagesOfFile(idx),
          )
        : null;
    signal?.throwIfAborted();
    onProgress?.({ phase: 'pairs', done: 0, total: 0, bad: catalog.bad.length });
    const pairs =
      plan.pairsFile && count > 0
        ? await importPairs(
            db,
            datasetId,
            plan.pairsFile,
            resolvePath,
            images.idxToId,
            catalog.imageIdentity,
            catalog.identityNames,
            catalog.skipped,
          )
        : null;
    const listBad = listIssues.finish();
    insertBadFiles(db, datasetId, listBad);

    const bad = [...catalog.bad, ...listBad, ...(attributes?.issues ?? []), ...(pairs?.issues ?? [])];
    const error =
      count === 0
        ? `No image could be imported from ${plan.root} (${total} candidates, ${catalog.bad.length} bad files).`
        : null;
    finishImport(db, datasetId, plan, {
      status: count > 0 ? 'ready' : 'failed',
      error,
      imageCount: count,
      identityCount: catalog.identityNames.length,
      badCount: bad.length,
      inputSizes: count > 0 ? [plan.inputSize] : [],
      attributesFile: attributes ? plan.attributesFile : null,
    });
    const warnings: string[] = [];
    const split =
      plan.splitRuleFile && count > 0 ? saveRuleFile(db, datasetId, plan.root, plan.splitRuleFile, warnings) : null;
    onProgress?.({ phase: 'done', done: images.done, total, bad: bad.length });
    const seconds = (performance.now() - started) / 1000;
    return {
      id: datasetId,
      name: plan.name,
      kind: plan.kind,
      root: plan.root,
      status: count > 0 ? 'ready' : 'failed',
      error,
      images: count,
      identities: catalog.identityNames.length,
      bad,
      duplicates: catalog.duplicates,
      singleImageIdentities: catalog.singleImageIdentities(),
      attributes: attributes
        ? {
            file: plan.attributesFile!,
            columns: attributes.columns,
            rows: attributes.rows,
            matched: attributes.matched,
            imagesWithoutRow: count - attributes.matched,
          }
        : null,
      pairs: pairs
        ? {
            file: plan.pairsFile!,
            listId: pairs.listId,
            format: pairs.format,
            folds: pairs.folds,
            pairs: pairs.pairs,
            skipped: pairs.skipped,
          }
        : null,
      split,
      ...('faces' in images ? { faces: images.faces as FaceStageReport } : {}),
      warnings,
      inputSize: plan.inputSize,
      seconds,
      imagesPerSecond: images.done / Math.max(seconds, 1e-9),
      stream: { ...images.stats, concurrency: plan.concurrency, decode: images.decode },
    };
  } catch (error) {
    abandonImport(db, datasetId, plan.dataDir, error, signal);
    throw error;
  }
}

/** Options stage: checks every input (checkInputs), then resolves the defaults. Nothing is written before it passes. */
function planImport(options: ImportOptions): ImportPlan {
  const root = resolve(options.root);
  const inputSize = options.inputSize ?? 112;
  checkInputs(root, options, inputSize);
  const listFile = options.listFile ? resolve(options.listFile) : undefined;
  const attributesFile = defaultFile(root, options.attributesFile, ['attributes.csv']);
  const pairsFile = defaultFile(root, options.pairsFile, ['pairs.csv', 'pairs.txt']);
  const splitRuleFile = defaultFile(root, options.splitRuleFile, ['split-rule.json']);
  // Only files the policy allows are ever read (never /proc, /sys, /dev; over the API, only inside root).
  checkImportInputs({ root, files: { listFile, attributesFile, pairsFile, splitRuleFile } }, options.pathPolicy);
  return {
    root,
    name: options.name ?? basename(root),
    kind: listFile ? 'list' : existsSync(join(root, 'synthfaces.json')) ? 'synth' : 'imagefolder',
    dataDir: dataDirOf(options.db, options.dataDir),
    listFile,
    attributesFile,
    pairsFile,
    splitRuleFile,
    inputSize,
    maxPixels: options.maxPixels ?? defaultMaxPixels,
    maxFileBytes: options.maxFileBytes ?? defaultMaxFileBytes,
    concurrency: Math.max(1, options.concurrency ?? 16),
    decodeThreads: options.decodeThreads,
    fit: options.fit ?? 'cover',
    cacheFormat: parseCacheFormat(options.cacheFormat ?? 'raw', 'cacheFormat'),
  };
}

/** Register stage: the `importing` row and the marker naming this process, together or not at all. */
function registerImport(db: LabDatabase, plan: ImportPlan): number {
  return db.transaction(() => {
    const id = createDataset(db, {
      name: plan.name,
      kind: plan.kind,
      root: plan.root,
      listFile: plan.listFile ?? null,
      maxPixels: plan.maxPixels,
      cacheFormat: plan.cacheFormat,
    });
    writeImportMarker(plan.dataDir, id);
    return id;
  })();
}

/** Scan stage: the candidate images of the folder (or of the list file), with the files that cannot be. */
async function scanCandidates(
  plan: ImportPlan,
  listIssues: IssueLog,
  signal: AbortSignal | undefined,
): Promise<{ candidates: ImageCandidate[]; bad: BadFileRecord[] }> {
  if (plan.listFile) return { candidates: await scanListFile(plan.root, plan.listFile, listIssues), bad: [] };
  return scanImageFolder(plan.root, signal);
}

/** Finish stage: the final status is stored first, then the marker goes (an importing row without a live marker is a dead import). */
function finishImport(db: LabDatabase, datasetId: number, plan: ImportPlan, patch: DatasetPatch): void {
  updateDataset(db, datasetId, patch);
  removeImportMarker(plan.dataDir, datasetId);
}

/** A cancelled import leaves nothing behind; a failed one stays, `failed` with the reason. */
function abandonImport(
  db: LabDatabase,
  datasetId: number,
  dataDir: string,
  error: unknown,
  signal: AbortSignal | undefined,
): void {
  if (signal?.aborted) {
    deleteDataset(db, datasetId);
    removeDatasetCache(dataDir, datasetId);
  } else {
    updateDataset(db, datasetId, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
    removeImportMarker(dataDir, datasetId);
  }
}

/** Saves the rule file as a split named after the SynthFaces preset (or the file); a bad rule becomes a warning. */
function saveRuleFile(
  db: LabDatabase,
  datasetId: number,
  root: string,
  file: string,
  warnings: string[],
): ImportResult['split'] {
  try {
    const rule = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    let name = basename(file).replace(/\.json$/i, '');
    try {
      const manifest = JSON.parse(readFileSync(join(root, 'synthfaces.json'), 'utf8')) as { preset?: unknown };
      if (typeof manifest.preset === 'string') name = manifest.preset;
    } catch {
      /* not SynthFaces: keep the file name */
    }
    const saved = saveSplit(db, datasetId, name, rule);
    return {
      file,
      id: saved.id,
      name,
      easyImages: saved.summary.easyImages,
      hardImages: saved.summary.hardImages,
      usableIdentities: saved.summary.usableIdentities,
    };
  } catch (error) {
    // JSON.parse's message quotes the text; the file's content is not repeated.
    const why =
      error instanceof SyntaxError ? 'it is not valid JSON' : error instanceof Error ? error.message : String(error);
    warnings.push(`${file}: not saved as a split (${why}).`);
    return null;
  }
}

function checkInputs(root: string, options: ImportOptions, inputSize: number): void {
  if (!Number.isInteger(inputSize) || inputSize < 8 || inputSize > 1024)
    throw new Error(`Input size ${inputSize} must be a whole number of pixels between 8 and 1024.`);
  if (!existsSync(root)) throw new Error(`Dataset folder not found: ${root}.`);
  if (!statSync(root).isDirectory())
    throw new Error(`Not a folder: ${root}; import the folder that holds the identity folders.`);
  for (const [flag, file] of [
    ['list file', options.listFile],
    ['attributes file', options.attributesFile],
    ['pairs file', options.pairsFile],
    ['split rule file', options.splitRuleFile],
  ] as const) {
    if (file && !existsSync(resolve(file))) throw new Error(`The ${flag} ${resolve(file)} does not exist.`);
  }
}

function defaultFile(root: string, given: string | null | undefined, names: string[]): string | null {
  if (given === null) return null;
  if (given !== undefined) return resolve(given);
  for (const n of names) if (existsSync(join(root, n))) return join(root, n);
  return null;
}

async function importAttributes(
  db: LabDatabase,
  datasetId: number,
  file: string,
  resolvePath: (p: string) => number | undefined,
  idxToId: number[],
  count: number,
  skipped: Map<string, string>,
  estimatedNames: readonly string[],
  facesOf: (idx: number) => readonly number[],
) {
  const issues = new IssueLog('attributes', file);
  // Columns already stored (the face stage's estimates) stay; a CSV column of the same name is renamed.
  const stored = attributeColumns(db, datasetId);
  const hasRow = new Uint8Array(count);
  let batch: AttributeValue[] = [];
  let matched = 0;
  const { columns, rows } = await readAttributesCsv(file, {
    issues,
    reservedNames: [...measuredAttributeNames, ...estimatedNames],
    onRow: (row, rowColumns) => {
      const idx = resolvePath(row.path);
      if (idx === undefined) {
        if (!skipped.has(row.path))
          issues.add(
            row.line,
            'unknown image',
            `line ${row.line}: the path (first column) is not an image of the dataset; row ignored.`,
          );
        return;
      }
      if (hasRow[idx]) {
        issues.add(row.line, 'duplicate row', `line ${row.line}: ${row.path} already has a row; this one is ignored.`);
        return;
      }
      // With --faces detect-all one file is several images (one per face): the row is each one's.
      for (const faceIdx of facesOf(idx)) {
        hasRow[faceIdx] = 1;
        matched++;
        const imageId = idxToId[faceIdx]!;
        row.values.forEach((v, c) => {
          if (v === null) return;
          batch.push({
            imageId,
            name: rowColumns[c]!.name,
            num: typeof v === 'number' ? v : null,
            text: typeof v === 'string' ? v : null,
          });
        });
      }
      if (batch.length >= 5000) {
        insertAttributeValues(db, datasetId, batch);
        batch = [];
      }
    },
  });
  if (batch.length) insertAttributeValues(db, datasetId, batch);
  setAttributeColumns(db, datasetId, [...stored, ...columns]);
  const all = issues.finish();
  insertBadFiles(db, datasetId, all);
  return { columns, rows, matched, issues: all };
}

async function importPairs(
  db: LabDatabase,
  datasetId: number,
  file: string,
  resolvePath: (p: string) => number | undefined,
  idxToId: number[],
  imageIdentity: number[],
  identityNames: string[],
  skipped: Map<string, string>,
) {
  const issues = new IssueLog('pairs', file);
  const pairs: NewPair[] = [];
  let skippedPairs = 0;
  const info = await readPairsFile(file, {
    issues,
    onPair: (p) => {
      const a = resolvePath(p.path1);
      const b = resolvePath(p.path2);
      if (a === undefined || b === undefined) {
        skippedPairs++;
        const missing = a === undefined ? p.path1 : p.path2;
        const why = skipped.get(missing);
        // A skipped image's name is one of the dataset's files; any other text is the list's, not quoted.
        issues.add(
          p.line,
          'missing image',
          `line ${p.line}: ${why ? `${missing} was not imported (${why})` : `the ${a === undefined ? 'first' : 'second'} image is not in the dataset`}; pair skipped.`,
        );
        return;
      }
      const sameIdentity = imageIdentity[a] === imageIdentity[b];
      if (sameIdentity !== p.same) {
        issues.add(
          p.line,
          'label mismatch',
          `line ${p.line}: marked ${p.same ? 'same' : 'different'} but the images belong to ${identityNames[imageIdentity[a]!]} and ${identityNames[imageIdentity[b]!]}; kept as written.`,
        );
      }
      pairs.push({ image1Id: idxToId[a]!, image2Id: idxToId[b]!, same: p.same, type: p.type, fold: p.fold });
    },
  });
  const listId = insertPairList(
    db,
    datasetId,
    { name: basename(file), source: file, format: info.format, folds: info.folds, skippedCount: skippedPairs },
    pairs,
  );
  const all = issues.finish();
  insertBadFiles(db, datasetId, all);
  return { listId, format: info.format, folds: info.folds, pairs: pairs.length, skipped: skippedPairs, issues: all };
}
