import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from './did-you-mean.js';

// What every ddl-lab command does with its arguments: parse them (a bad flag is a usage error,
// exit 2, not an exception), report problems as "ddl-lab <command>: …" on stderr, read numbers.

export type Fail = (message: string, code?: number) => number;

/** fail(message, code = 2): writes "ddl-lab <command>: message" to stderr and returns the code. */
export function commandFailure(command: string): Fail {
  return (message, code = 2) => {
    process.stderr.write(`ddl-lab ${command}: ${message.endsWith('\n') ? message : `${message}\n`}`);
    return code;
  };
}

/**
 * parseArgs(config), or the exit code after reporting a bad flag together with the usage (and the
 * closest real flag for a mistyped one). A `help` option also answers to `-h`, on every command.
 */
export function parseCommandLine<T extends ParseArgsConfig>(
  config: T,
  usage: string,
  fail: Fail,
): ReturnType<typeof parseArgs<T>> | number {
  const options = config.options ?? {};
  const help = options.help;
  const withShortHelp =
    help && !help.short ? { ...config, options: { ...options, help: { ...help, short: 'h' } } } : config;
  try {
    return parseArgs(withShortHelp) as ReturnType<typeof parseArgs<T>>;
  } catch (error) {
    const message = (error as Error).message;
    const flag = /^Unknown option '(--[^'=]+)'/.exec(message)?.[1];
    const hint = flag
      ? didYouMean(
          flag,
          Object.keys(options).map((name) => `--${name}`),
        )
      : '';
    return fail(`${hint ? `Unknown option '${flag}'.${hint}` : message}\n\n${usage}`, 2);
  }
}

/** `text` as a whole number from min to max, else null. */
export function wholeNumber(text: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | null {
  const value = Number(text);
  return /^\s*\d+\s*$/.test(text) && value >= min && value <= max ? value : null;
}
