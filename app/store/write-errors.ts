// One line for a failed database write, saying what the user can do about the usual causes.

export function describeWriteError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_FULL') return `${message} (SQLITE_FULL): free space on the disk of the data directory`;
  if (code === 'SQLITE_READONLY') return `${message} (SQLITE_READONLY): the data directory is not writable`;
  if (code === 'SQLITE_BUSY') return `${message} (SQLITE_BUSY): another process holds the database`;
  return typeof code === 'string' ? `${message} (${code})` : message;
}
