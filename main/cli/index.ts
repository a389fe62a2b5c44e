// `ddl-lab <command> ...`: every command is a thin module in ./commands that calls into app/.
import { didYouMean } from './did-you-mean.js';
import { failureText } from './failure-text.js';
import { commandNames, loadCommand } from './registry.js';
import { packageVersion } from './version.js';

async function main(argv: string[]): Promise<number> {
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
  return `Usage: ddl-lab <command> [options]\n\nCommands: ${commandNames().join(', ')}\nOptions: --version (-v) prints the version.\nRun "ddl-lab <command> --help" for a command's options.\n`;
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
