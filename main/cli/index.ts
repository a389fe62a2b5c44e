// `ddl-lab <command> ...`: every command is a thin module in ./commands that calls into app/.
import { didYouMean } from './did-you-mean.js';
import { failureText } from './failure-text.js';
import { commandNames, loadCommand } from './registry.js';
import { packageVersion } from './version.js';
import { cacheDirVariable } from '../../app/data/cache-location.js';

async function main(args: string[]): Promise<number> {
  const argv = takeCacheDir(args);
  if (typeof argv === 'number') return argv;
  const [name, ...rest] = argv;
  if (!name) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = await loadCommand(name);
  if (!command) {
    process.stderr.write(`ddl-lab: unknown command '${name}'.${didYouMean(name, commandNames())}\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

function usage(): string {
  return `Usage: ddl-lab <command> [options]\n\nCommands: ${commandNames().join(', ')}\nOptions: --version (-v) prints the version; --cache-dir DIR (any command; or ${cacheDirVariable}) keeps pixel caches in DIR instead of the platform's per-user cache folder.\nRun "ddl-lab <command> --help" for a command's options.\n`;
}

/** `--cache-dir DIR` anywhere on the line: sets DDL_LAB_CACHE_DIR (child processes inherit it) and is removed. */
function takeCacheDir(args: string[]): string[] | number {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg !== '--cache-dir' && !arg.startsWith('--cache-dir=')) {
      out.push(arg);
      continue;
    }
    const value = arg === '--cache-dir' ? args[++i] : arg.slice('--cache-dir='.length);
    if (!value || value.startsWith('--')) {
      process.stderr.write(
        `ddl-lab: --cache-dir needs a folder, got ${value === undefined ? 'nothing' : `"${value}"`}.\n`,
      );
      return 2;
    }
    process.env[cacheDirVariable] = value;
  }
  return out;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ddl-lab: ${failureText(error, process.argv.slice(2))}\n`);
    process.exitCode = 1;
  },
);
