// `ddl-lab dataset import|list|show|cache|remove`: local face datasets. The work is in app/data.
import { parseArgs } from 'node:util';
import { ensureImageCache } from '../../../app/data/ensure-image-cache.js';
import { importDataset, type ImportProgress } from '../../../app/data/import-dataset.js';
import { commandLineInputPolicy } from '../../../app/data/input-path-policy.js';
import { removeDatasetCache } from '../../../app/data/pixel-cache.js';
import { attributeColumns } from '../../../app/store/attributes-repo.js';
import { badFileReasons, listBadFiles } from '../../../app/store/bad-files-repo.js';
import { defaultDataDir } from '../../../app/store/data-dir.js';
import { deleteDataset, findDataset, listDatasets } from '../../../app/store/datasets-repo.js';
import { openLabDatabase, type LabDatabase } from '../../../app/store/db.js';
import { listPairLists } from '../../../app/store/pairs-repo.js';
import { listSplits } from '../../../app/store/splits-repo.js';
import { commandFailure, parseCommandLine, wholeNumber } from '../command-line.js';

const fail = commandFailure('dataset');

const usage = `Usage:
  ddl-lab dataset import DIR [--attributes FILE] [--pairs FILE] [--list FILE] [--size S] [--name N]
                             [--max-pixels N] [--concurrency N] [--data-dir D] [--json]
  ddl-lab dataset list [--data-dir D] [--json]
  ddl-lab dataset show DATASET [--data-dir D] [--json]
  ddl-lab dataset cache DATASET --size S [--data-dir D] [--json]
  ddl-lab dataset remove DATASET [--data-dir D]

DIR is an ImageFolder (DIR/<identity>/<image>) or, with --list, the root the list's paths are
relative to ("path label" per line). DIR/attributes.csv, DIR/pairs.csv (or pairs.txt) and
DIR/split-rule.json are read when present (SynthFaces writes them). --size is the cached input
size (default 112). DATASET is an id or a name. Bad files are reported, never fatal; the import
exits 0 when at least one image was imported.
`;

const options = {
  attributes: { type: 'string' },
  pairs: { type: 'string' },
  list: { type: 'string' },
  size: { type: 'string' },
  name: { type: 'string' },
  'max-pixels': { type: 'string' },
  concurrency: { type: 'string' },
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
    process.stdout.write(usage);
    return action || values.help ? 0 : 2;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  switch (action) {
    case 'import':
      return target ? importCommand(target, values, dataDir) : fail(`import needs the dataset folder.\n\n${usage}`, 2);
    case 'list':
      return withDb(dataDir, (db) => listCommand(db, values.json));
    case 'show':
      return target
        ? withDb(dataDir, (db) => showCommand(db, target, values.json))
        : fail('show needs a DATASET (id or name).', 2);
    case 'cache':
      return target ? cacheCommand(target, values, dataDir) : fail('cache needs a DATASET (id or name).', 2);
    case 'remove':
      return target
        ? withDb(dataDir, (db) => removeCommand(db, dataDir, target))
        : fail('remove needs a DATASET (id or name).', 2);
    default:
      return fail(`unknown action "${action}".\n\n${usage}`, 2);
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
  return withDb(dataDir, async (db) => {
    const result = await importDataset({
      db,
      root: dir,
      dataDir,
      name: values.name,
      listFile: values.list,
      attributesFile: values.attributes,
      pairsFile: values.pairs,
      // The command line's user owns the files named: --pairs etc. may be outside DIR.
      pathPolicy: commandLineInputPolicy,
      inputSize: size,
      maxPixels,
      concurrency,
      onProgress: progressPrinter(),
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      process.stdout.write(
        `Dataset ${result.id} "${result.name}" (${result.kind}): ${result.images} images of ${result.identities} identities from ${result.root}, cached at ${size}×${size} (${result.imagesPerSecond.toFixed(0)} images/s).\n`,
      );
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

function listCommand(db: LabDatabase, json: boolean): number {
  const datasets = listDatasets(db);
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

function showCommand(db: LabDatabase, target: string, json: boolean): number {
  const dataset = findDataset(db, target);
  if (!dataset) return notFound(target);
  const detail = {
    ...dataset,
    attributes: attributeColumns(db, dataset.id),
    pairLists: listPairLists(db, dataset.id),
    splits: listSplits(db, dataset.id).map((s) => ({ id: s.id, name: s.name, createdAt: s.createdAt })),
    badFileReasons: badFileReasons(db, dataset.id),
    bad: listBadFiles(db, dataset.id, 0, 100_000).items,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(detail, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    `Dataset ${dataset.id} "${dataset.name}" (${dataset.kind}, ${dataset.status}): ${dataset.imageCount} images, ${dataset.identityCount} identities, root ${dataset.root}\n`,
  );
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

async function cacheCommand(target: string, values: Values, dataDir: string): Promise<number> {
  const size = wholeNumber(values.size ?? '', 8, 1024);
  if (size === null) return fail('cache needs --size S (8 to 1024).', 2);
  return withDb(dataDir, async (db) => {
    const dataset = findDataset(db, target);
    if (!dataset) return notFound(target);
    const result = await ensureImageCache(db, dataset.id, size, { dataDir });
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else
      process.stdout.write(
        `${size}×${size} cache of dataset ${dataset.id}: ${result.built ? 'built' : 'up to date'}, ${result.changed.length} changed files refreshed, ${result.failed.length} unreadable.\n`,
      );
    return 0;
  });
}

function removeCommand(db: LabDatabase, dataDir: string, target: string): number {
  const dataset = findDataset(db, target);
  if (!dataset) return notFound(target);
  deleteDataset(db, dataset.id);
  removeDatasetCache(dataDir, dataset.id);
  process.stdout.write(
    `Removed dataset ${dataset.id} "${dataset.name}" (its files in ${dataset.root} are untouched).\n`,
  );
  return 0;
}

async function withDb(dataDir: string, work: (db: LabDatabase) => number | Promise<number>): Promise<number> {
  const db = openLabDatabase(dataDir);
  try {
    return await work(db);
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
