// `ddl-lab lab check|reset`: the state of the lab in a data folder, and the explicit way to start
// over when its database is missing, empty or damaged. The work is in app/store, reached through app/lab.
import { checkLabDatabase, chooseDataDir, planLabReset, resetLab } from '../../../app/lab/lab.js';
import { cacheDirVariable, cacheLocation } from '../../../app/data/cache-location.js';
import { cacheUsage } from '../../../app/data/cache-usage.js';
import { commandFailure, parseCommandLine } from '../command-line.js';
import { didYouMean } from '../did-you-mean.js';

const fail = commandFailure('lab');

const usage = `Usage:
  ddl-lab lab check [--data-dir D] [--json]
  ddl-lab lab reset [--data-dir D] --yes

check  opens the lab read-only and checks every page of lab.sqlite (SQLite's quick_check);
       prints its path, lab id and schema version, and why this data folder: --data-dir,
       DDL_LAB_DATA_DIR, the platform's per-user data folder (the desktop app's too), or the
       ~/.ddl-lab of an earlier version while the new folder does not exist. Exit 1 when it is missing beside lab files,
       damaged or unreadable. Also where the pixel caches go (the platform's per-user cache
       folder, or --cache-dir / DDL_LAB_CACHE_DIR) and the folders holding them, with their size.
reset  for a data folder whose lab.sqlite is missing, empty (0 bytes) or damaged while runs/,
       cache/ or a -wal file remain: moves lab.sqlite*, runs/ and cache/ into a new folder
       D/reset-<time>/ (nothing is deleted; the old checkpoints and caches stay there) and
       renames its pixel cache folder outside D to <folder>-reset-<time>, so that the next
       command starts a new, empty lab in D. Without --yes it only says what it would move.
       A healthy lab is never reset: use another --data-dir for a second lab.
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        yes: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [action] = positionals;
  if (values.help || !action) {
    (values.help ? process.stdout : process.stderr).write(usage); // no action: a usage error
    return values.help ? 0 : 2;
  }
  const chosen = values['data-dir'] === undefined ? chooseDataDir() : null;
  const dataDir = values['data-dir'] ?? chosen!.dir;
  const source = chosen?.source ?? 'flag';
  try {
    if (action === 'check') {
      const check = checkLabDatabase(dataDir, 'read');
      if (values.json)
        process.stdout.write(
          `${JSON.stringify({ dataDir, dataDirSource: source, dataDirNote: chosen?.note ?? null, cacheDir: cacheLocation(dataDir).dir, cacheDirSource: cacheLocation(dataDir).source, cacheFolders: cacheUsage(dataDir), ...check, intact: true }, null, 2)}\n`,
        );
      else {
        if (chosen?.note) process.stderr.write(`ddl-lab: ${chosen.note}\n`);
        process.stdout.write(
          check.exists
            ? `${check.file}: intact; lab id ${check.labId}, schema version ${check.schemaVersion}.\n`
            : `${dataDir} holds no lab yet; the first command that writes creates one.\n`,
        );
        process.stdout.write(`Data folder: ${dataDir} (${sourceWords[source]}).\n`);
        const caches = cacheLocation(dataDir);
        process.stdout.write(
          `Pixel caches: ${caches.dir} (${caches.source === cacheDirVariable ? 'from DDL_LAB_CACHE_DIR or --cache-dir' : "the platform's per-user cache folder; --cache-dir or DDL_LAB_CACHE_DIR moves new ones elsewhere"}; caches already inside the data folder stay in use there).\n`,
        );
        for (const folder of cacheUsage(dataDir))
          process.stdout.write(
            `  ${folder.dir}${folder.where === 'data folder' ? ' (inside the data folder)' : ''}: ${folder.datasets.length === 1 ? 'dataset' : 'datasets'} ${folder.datasets.join(', ')}, ${megabytes(folder.bytes)}.\n`,
          );
      }
      return 0;
    }
    if (action === 'reset') {
      const plan = planLabReset(dataDir);
      if (plan.state !== 'orphaned' && plan.state !== 'damaged') return fail(plan.reason, 1);
      const list = plan.entries.join(', ');
      const renames = plan.cacheFolders.map((f) => ` and rename the pixel cache folder ${f} to ${f}-reset-<time>`);
      if (!values.yes) {
        process.stdout.write(
          `${plan.reason}\n\nReset would move ${list} from ${dataDir} into a new folder ${dataDir}/reset-<time>/${renames.join('')}. Nothing moved; add --yes to do it.\n`,
        );
        return 1;
      }
      const result = resetLab(dataDir, plan);
      if (values.json) process.stdout.write(`${JSON.stringify({ dataDir, ...result }, null, 2)}\n`);
      else
        process.stdout.write(
          `Moved ${result.moved.join(', ')} from ${dataDir} into ${result.movedTo}${result.cachesMovedTo.map((to) => ` and its pixel caches to ${to}`).join('')} (nothing was deleted). The next command starts a new, empty lab in ${dataDir}.\n`,
        );
      return 0;
    }
    return fail(`unknown action "${action}".${didYouMean(action, ['check', 'reset'])}\n\n${usage}`, 2);
  } catch (error) {
    if (error instanceof Error) return fail(error.message, 1);
    throw error;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

const sourceWords: Record<string, string> = {
  flag: '--data-dir',
  env: 'DDL_LAB_DATA_DIR',
  platform: "the platform's per-user data folder, shared with the desktop app",
  legacy: 'the folder of an earlier version',
};
