import { resolve } from 'node:path';
import { databasePath, defaultDataDir, explainDatabaseError } from '../../app/lab/lab.js';

// The text of an error no command caught. A SQLite error met after the database opened (a damaged
// page that a query reached, a lock held too long, a full disk) names the lab.sqlite of the
// command's --data-dir and what to do, like the errors met while opening it.
export function failureText(error: unknown, argv: readonly string[]): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    const at = argv.indexOf('--data-dir');
    const inline = argv.find((a) => a.startsWith('--data-dir='));
    const dataDir =
      at >= 0 && argv[at + 1] ? argv[at + 1]! : inline ? inline.slice('--data-dir='.length) : defaultDataDir();
    return explainDatabaseError(databasePath(resolve(dataDir)), error, 'use').message;
  }
  return error instanceof Error ? error.message : String(error);
}
