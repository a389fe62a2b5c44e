// `ddl-lab dataset import|list|show|cache|remove`: local face datasets. The work is in app/lab/datasets.ts.
import { parseArgs } from 'node:util';
import { commandLineInputPolicy } from '../../../app/data/input-path-policy.js';
import {
  cacheDataset,
  datasetDetail,
  describeRemoval,
  findDataset,
  importDataset,
  listDatasets,
  removeDataset,
  type ImportProgress,
} from '../../../app/lab/datasets.js';
import { datasetImages } from '../../../app/lab/dataset-images.js';
import { faceModes, type FaceMode } from '../../../app/data/face-attributes.js';
import { cacheFormats, type CacheFormat } from '../../../app/data/pixel-cache.js';
import { defaultDataDir, openLabDatabase, type Lab } from '../../../app/lab/lab.js';
import { resolveDatasetRef } from '../../../app/lab/refs.js';
import { commandFailure, parseCommandLine, wholeNumber } from '../command-line.js';
import { didYouMean } from '../did-you-mean.js';

const fail = commandFailure('dataset');

const usage = `Usage:
  ddl-lab dataset import DIR|FILE.bin|FILE.rec [--attributes FILE] [--pairs FILE] [--list FILE] [--size S] [--name N]
                             [--max-pixels N] [--concurrency N] [--faces none|detect|detect-all]
                             [--cache raw|png]
                             [--data-dir D] [--json]
  ddl-lab dataset list [--data-dir D] [--json]
  ddl-lab dataset show DATASET [--data-dir D] [--json]
  ddl-lab dataset images DATASET [--data-dir D] [--json]
  ddl-lab dataset cache DATASET --size S [--data-dir D] [--json]
  ddl-lab dataset remove DATASET [--with-runs] [--data-dir D] [--json]

DIR is an ImageFolder (DIR/<identity>/<image>) or, with --list, the root the list's paths are
relative to ("path label" per line). DIR/attributes.csv, DIR/pairs.csv (or pairs.txt) and
DIR/split-rule.json are read when present (SynthFaces writes them). An insightface verification
set (lfw.bin, cfp_fp.bin, agedb_30.bin …) or training set (train.rec with train.idx beside it) is
extracted into the data folder's extracted/ and imported from there; a .bin gives a pair list
with its 10 folds, which evaluation uses. --size is the cached input
size (default 112). --cache png stores the cache as lossless PNGs (about half the disk of raw
RGB, decoded by worker threads while training; training is bit-identical); raw (default) is one
read per image. --faces detect finds the largest face of each photo and caches it aligned
on the ArcFace 5-point template, with estimated yaw, pitch, roll, faceSize, eyeDistance,
faceScore and blur as attributes; detect-all makes every face its own image; none (default)
uses images as they are. images lists every image with its identity, face and attributes.
DATASET is an id or a name. Bad files are reported, never fatal; the import
exits 0 when at least one image was imported. An import that was killed shows as failed
(interrupted); remove it and import again. remove refuses a dataset that has runs or evaluations
unless --with-runs, which removes them too, checkpoint folders included; it says what it removed.
`;

const options = {
  attributes: { type: 'string' },
  pairs: { type: 'string' },
  list: { type: 'string' },
  size: { type: 'string' },
  name: { type: 'string' },
  'max-pixels': { type: 'string' },
  concurrency: { type: 'string' },
  faces: { type: 'string' },
  cache: { type: 'string' },
  'with-runs': { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true }>
>['values'];

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine({ args, options, allowPositionals: true }, usage, fail);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [action, target] = positionals;
  if (values.help || !action) {
    (values.help ? process.stdout : process.stderr).write(usage); // no action: a usage error
    return values.help ? 0 : 2;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  switch (action) {
    case 'import':
      return target ? importCommand(target, values, dataDir) : fail(`import needs the dataset folder.\n\n${usage}`, 2);
    case 'list':
      return withLab(dataDir, (lab) => listCommand(lab, values.json), 'read');
    case 'show':
      return target
        ? withLab(dataDir, (lab) => showCommand(lab, target, values.json), 'read')
        : fail(`show needs a DATASET (id or name).\n\n${usage}`, 2);
    case 'images':
      return target
        ? withLab(dataDir, (lab) => imagesCommand(lab, target, values.json), 'read')
        : fail(`images needs a DATASET (id or name).\n\n${usage}`, 2);
    case 'cache':
      return target
        ? cacheCommand(target, values, dataDir)
        : fail(`cache needs a DATASET (id or name).\n\n${usage}`, 2);
    case 'remove':
      return target
        ? withLab(dataDir, (lab) => removeCommand(lab, target, values))
        : fail(`remove needs a DATASET (id or name).\n\n${usage}`, 2);
    default:
      return fail(
        `unknown action "${action}".${didYouMean(action, ['import', 'list', 'show', 'images', 'cache', 'remove'])}\n\n${usage}`,
        2,
      );
  }
}

async function importCommand(dir: string, values: Values, dataDir: string): Promise<number> {
  const size = wholeNumber(values.size ?? '112', 8, 1024);
  if (size === null) return fail(`--size must be a whole number of pixels from 8 to 1024, got "${values.size}".`, 2);
  const maxPixels =
    values['max-pixels'] === undefined ? undefined : wholeNumber(values['max-pixels'], 1, Number.MAX_SAFE_INTEGER);
  if (maxPixels === null) return fail(`--max-pixels must be a whole number, got "${values['max-pixels']}".`, 2);
  const concurrency = values.concurrency === undefined ? undefined : wholeNumber(values.concurrency, 1, 64);
  if (concurrency === null)
    return fail(`--concurrency must be a whole number from 1 to 64, got "${values.concurrency}".`, 2);
  const cacheFormat = values.cache ?? 'raw';
  if (!(cacheFormats as readonly string[]).includes(cacheFormat))
    return fail(`--cache must be one of ${cacheFormats.join(', ')}, got "${values.cache}".`, 2);
  const faces = (values.faces ?? 'none') as FaceMode;
  if (!faceModes.includes(faces))
    return fail(`--faces must be one of ${faceModes.join(', ')}, got "${values.faces}".`, 2);
  return withLab(dataDir, async (lab) => {
    const result = await importDataset(lab, {
      root: dir,
      name: values.name,
      listFile: values.list,
      attributesFile: values.attributes,
      pairsFile: values.pairs,
      // The command line's user owns the files named: --pairs etc. may be outside DIR.
      pathPolicy: commandLineInputPolicy,
      inputSize: size,
      maxPixels,
      concurrency,
      faces,
      cacheFormat: cacheFormat as CacheFormat,
      onProgress: progressPrinter(),
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      process.stdout.write(
        `Dataset ${result.id} "${result.name}" (${result.kind}): ${result.images} images of ${result.identities} identities from ${result.root}, cached at ${size}×${size} (${result.imagesPerSecond.toFixed(0)} images/s).\n`,
      );
      if (result.faces) {
        const f = result.faces;
        process.stdout.write(
          `Faces (${f.mode}): ${f.found} aligned; ${f.none} files without a face; ${f.multiple} files with several faces${f.mode === 'detect' && f.multiple ? ' (the largest kept)' : ''}; ${f.tooSmall} faces too small to align.\n`,
        );
      }
      if ('extracted' in result) {
        const x = result.extracted;
        process.stdout.write(
          `Extracted ${x.images} images${x.repeated ? ` (${x.repeated} repeats written once)` : ''} from ${x.source} into ${x.folder}.\n`,
        );
      }
      if (result.attributes)
        process.stdout.write(
          `Attributes: ${result.attributes.columns.map((c) => `${c.name} (${c.kind})`).join(', ')} for ${result.attributes.matched} images.\n`,
        );
      if (result.pairs)
        process.stdout.write(
          `Pairs: ${result.pairs.pairs} from ${result.pairs.file}${result.pairs.skipped ? ` (${result.pairs.skipped} skipped)` : ''}.\n`,
        );
      if (result.split)
        process.stdout.write(
          `Split "${result.split.name}": ${result.split.easyImages} easy, ${result.split.hardImages} hard, ${result.split.usableIdentities} identities usable for DDL.\n`,
        );
      if (result.singleImageIdentities.length)
        process.stdout.write(
          `${result.singleImageIdentities.length} identities have a single image (no positive pair).\n`,
        );
      for (const warning of result.warnings) process.stdout.write(`Warning: ${warning}\n`);
      if (result.bad.length) {
        process.stdout.write(`${result.bad.length} problems:\n`);
        for (const b of result.bad.slice(0, 50))
          process.stdout.write(`  ${b.path}${b.line ? `:${b.line}` : ''}: ${b.reason} — ${b.detail ?? ''}\n`);
        if (result.bad.length > 50)
          process.stdout.write(
            `  … and ${result.bad.length - 50} more ("ddl-lab dataset show ${result.id} --json" lists them all).\n`,
          );
      }
    }
    if (result.images === 0)
      return fail(`${result.error ?? 'no image was imported.'} See "bad" for each file's reason.`, 1);
    return 0;
  });
}

function listCommand(lab: Lab, json: boolean): number {
  const datasets = listDatasets(lab);
  if (json) {
    process.stdout.write(`${JSON.stringify(datasets, null, 2)}\n`);
  } else if (datasets.length === 0) {
    process.stdout.write('No datasets yet; "ddl-lab dataset import DIR" adds one.\n');
  } else {
    for (const d of datasets)
      process.stdout.write(
        `${d.id}\t${d.name}\t${d.kind}\t${d.status}\t${d.imageCount} images\t${d.identityCount} identities\t${d.badCount} problems\t${d.root}\n`,
      );
  }
  return 0;
}

function showCommand(lab: Lab, target: string, json: boolean): number {
  const dataset = findDataset(lab, resolveDatasetRef(lab, target));
  if (!dataset) return notFound(target);
  const detail = datasetDetail(lab, dataset);
  if (json) {
    process.stdout.write(`${JSON.stringify(detail, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    `Dataset ${dataset.id} "${dataset.name}" (${dataset.kind}, ${dataset.status}): ${dataset.imageCount} images, ${dataset.identityCount} identities, root ${dataset.root}\n`,
  );
  if (dataset.error) process.stdout.write(`Error: ${dataset.error}\n`);
  process.stdout.write(
    `Cached sizes: ${dataset.inputSizes.join(', ') || 'none'}\nAttributes: ${detail.attributes.map((a) => `${a.name} (${a.kind})`).join(', ') || 'none'}\n`,
  );
  for (const p of detail.pairLists)
    process.stdout.write(
      `Pair list ${p.id} ${p.name}: ${p.pairCount} pairs (${p.genuineCount} genuine, ${p.impostorCount} impostor)\n`,
    );
  for (const s of detail.splits) process.stdout.write(`Split ${s.id} ${s.name}\n`);
  for (const [reason, n] of Object.entries(detail.badFileReasons)) process.stdout.write(`Problems: ${n} × ${reason}\n`);
  return 0;
}

function imagesCommand(lab: Lab, target: string, json: boolean): number {
  const dataset = findDataset(lab, resolveDatasetRef(lab, target));
  if (!dataset) return notFound(target);
  const images = datasetImages(lab, dataset.id);
  if (json) {
    process.stdout.write(`${JSON.stringify(images, null, 2)}\n`);
    return 0;
  }
  for (const image of images) {
    const attributes = Object.entries(image.attributes)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toFixed(3)) : v}`)
      .join(' ');
    process.stdout.write(
      `${image.id}\t${image.identity}\t${image.path}${image.face === null ? '' : `#face${image.face}`}\t${attributes}\n`,
    );
  }
  return 0;
}

async function cacheCommand(target: string, values: Values, dataDir: string): Promise<number> {
  const size = wholeNumber(values.size ?? '', 8, 1024);
  if (size === null) return fail('cache needs --size S (8 to 1024).', 2);
  return withLab(dataDir, async (lab) => {
    const dataset = findDataset(lab, resolveDatasetRef(lab, target));
    if (!dataset) return notFound(target);
    const result = await cacheDataset(lab, dataset.id, size);
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else
      process.stdout.write(
        `${size}×${size} cache of dataset ${dataset.id}: ${result.built ? 'built' : 'up to date'}, ${result.changed.length} changed files refreshed, ${result.failed.length} unreadable.${result.rebuiltBecause ? ` Rebuilt because ${result.rebuiltBecause}.` : ''}\n`,
      );
    return 0;
  });
}

function removeCommand(lab: Lab, target: string, values: Values): number {
  const dataset = findDataset(lab, resolveDatasetRef(lab, target));
  if (!dataset) return notFound(target);
  const removal = removeDataset(lab, dataset.id, { withRuns: values['with-runs'] });
  process.stdout.write(values.json ? `${JSON.stringify(removal, null, 2)}\n` : describeRemoval(removal));
  return 0;
}

async function withLab(
  dataDir: string,
  work: (lab: Lab) => number | Promise<number>,
  mode: 'read' | 'write' = 'write',
): Promise<number> {
  const db = openLabDatabase(dataDir, { mode });
  try {
    return await work({ db, dataDir });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error), 1);
  } finally {
    db.close();
  }
}

/** Progress on stderr, at most once a second, only for a person watching a terminal. */
function progressPrinter(): ((p: ImportProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.phase !== 'done' && now - last < 1000) return;
    last = now;
    process.stderr.write(`\r${p.phase}: ${p.done}/${p.total} (${p.bad} problems)${p.phase === 'done' ? '\n' : ''}`);
  };
}

function notFound(target: string): number {
  return fail(`no dataset "${target}"; "ddl-lab dataset list" shows the datasets there are.`, 1);
}
