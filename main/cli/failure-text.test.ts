import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failureText } from './failure-text.js';

const dir = mkdtempSync(join(tmpdir(), 'ddl-failure-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real error better-sqlite3 throws for a file that is not a database. */
function sqliteError(): unknown {
  writeFileSync(join(dir, 'junk'), 'not a database at all, just text that is long enough to have a header');
  const db = new Database(join(dir, 'junk'));
  try {
    db.pragma('user_version');
  } catch (error) {
    return error;
  } finally {
    db.close();
  }
  throw new Error('expected SQLite to refuse the file');
}

describe('failureText', () => {
  it("names the command's lab.sqlite and what to do for a SQLite error", () => {
    const text = failureText(sqliteError(), ['runs', 'list', '--data-dir', '/labs/a']);
    expect(text).toMatch(
      /^Cannot use the lab database \/labs\/a\/lab\.sqlite \(SQLITE_NOTADB: .*Restore lab\.sqlite from a backup/,
    );
    expect(failureText(sqliteError(), ['runs', 'list', '--data-dir=/labs/b'])).toContain('/labs/b/lab.sqlite');
  });

  it('leaves other errors as they are', () => {
    expect(failureText(new Error('no such run'), ['runs', 'show', '3'])).toBe('no such run');
  });
});
