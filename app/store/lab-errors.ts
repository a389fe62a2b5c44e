import { dirname } from 'node:path';

// Every problem opening the lab's database becomes a LabDatabaseError whose message names the
// lab.sqlite file and says what to do, so a person reading a CLI line or a log knows where to look.

export class LabDatabaseError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly code: 'orphaned-data' | 'damaged' | 'permission' | 'busy' | 'version' | 'not-a-lab' | 'other',
  ) {
    super(message);
    this.name = 'LabDatabaseError';
  }
}

/** The command that moves a broken lab's files aside (see lab-reset.ts). */
export function resetCommand(dataDir: string): string {
  return `ddl-lab lab reset --data-dir ${JSON.stringify(dataDir)} --yes`;
}

export function resetAdvice(dataDir: string): string {
  return `to start a new lab in this folder and keep the old files, run: ${resetCommand(dataDir)} (it moves them aside into a reset-<time> folder; nothing is deleted)`;
}

/** An error from better-sqlite3 (or the file system) while opening, reading or migrating `file`, explained. */
export function explainDatabaseError(file: string, error: unknown, doing: string): LabDatabaseError {
  if (error instanceof LabDatabaseError) return error;
  const dataDir = dirname(file);
  const code = String((error as { code?: unknown }).code ?? '');
  const detail = error instanceof Error ? error.message : String(error);
  const head = `Cannot ${doing} the lab database ${file} (${code ? `${code}: ` : ''}${detail})`;
  if (/^SQLITE_(NOTADB|CORRUPT)/.test(code))
    return new LabDatabaseError(
      `${head}: the file is damaged or is not a DDL Lab database, and DDL Lab will not use it. Restore lab.sqlite from a backup (with its -wal file if there is one), or ${resetAdvice(dataDir)}.`,
      file,
      'damaged',
    );
  if (/^SQLITE_(READONLY|CANTOPEN|PERM|AUTH)/.test(code) || code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new LabDatabaseError(
      `${head}: check that the file and its folder ${dataDir} exist and that this user may ${doing === 'read' ? 'read them' : 'write to them'} (writing also creates lab.sqlite-wal and lab.sqlite-shm beside it), or choose another folder with --data-dir.`,
      file,
      'permission',
    );
  if (/^SQLITE_(BUSY|LOCKED)/.test(code))
    return new LabDatabaseError(
      `${head}: another process holds it locked. Wait for it to finish (a running import, training run or "ddl-lab serve") and try again.`,
      file,
      'busy',
    );
  if (/^SQLITE_FULL/.test(code) || code === 'ENOSPC')
    return new LabDatabaseError(`${head}: the disk is full. Free some space and try again.`, file, 'other');
  return new LabDatabaseError(
    `${head}. If it persists, check the disk and the file, restore lab.sqlite from a backup, or ${resetAdvice(dataDir)}.`,
    file,
    'other',
  );
}
