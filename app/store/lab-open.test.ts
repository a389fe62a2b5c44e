import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { insertFakeSplit } from '../train/test-support/fake-dataset.js';
import { createDataset, listDatasets } from './datasets-repo.js';
import { databasePath, openDatabase, openLabDatabase, schemaVersion, type LabDatabase } from './db.js';
import { checkLabDatabase } from './lab-check.js';
import { LabDatabaseError } from './lab-errors.js';
import { readLabId } from './lab-meta.js';
import { planLabReset, resetLab } from './lab-reset.js';
import { migration001 } from './migrations/001-datasets.js';
import { migration002 } from './migrations/002-runs.js';
import { migration003 } from './migrations/003-evaluations.js';
import { migrations } from './migrations/index.js';

// The data-folder policy of openLabDatabase on real files: a used folder without its database is
// refused (nothing written), read mode writes nothing, damaged files are named, reset moves aside.

const dirs: string[] = [];
const open: LabDatabase[] = [];
afterEach(() => {
  open.splice(0).forEach((db) => db.open && db.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddl-lab-open-'));
  dirs.push(dir);
  return dir;
}
const keep = (db: LabDatabase) => (open.push(db), db);
/** A used data folder: a lab with a dataset, a run folder with a checkpoint and a cache folder. */
function usedFolder(): string {
  const dir = tempDir();
  const db = openLabDatabase(dir);
  createDataset(db, { name: 'd', kind: 'imagefolder', root: '/x', maxPixels: 1 });
  db.close();
  mkdirSync(join(dir, 'runs', '1', 'checkpoints', 'step-000010'), { recursive: true });
  writeFileSync(join(dir, 'runs', '1', 'checkpoints', 'step-000010', 'state.json'), '{}');
  mkdirSync(join(dir, 'cache', 'dataset-1'), { recursive: true });
  writeFileSync(join(dir, 'cache', 'dataset-1', 'rgb-16.u8'), Buffer.alloc(16 * 16 * 3));
  return dir;
}
function thrown(fn: () => unknown): LabDatabaseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LabDatabaseError);
    return error as LabDatabaseError;
  }
  throw new Error('expected a LabDatabaseError');
}

describe('openLabDatabase: a used folder without its database', () => {
  it.each([
    ['missing', (file: string) => rmSync(file)],
    ['empty (0 bytes)', (file: string) => writeFileSync(file, '')],
  ])('refuses lab.sqlite %s beside runs/ and cache/, in both modes, writing nothing', (state, damage) => {
    const dir = usedFolder();
    damage(databasePath(dir));
    const before = readdirSync(dir).sort();
    for (const mode of ['write', 'read'] as const) {
      const error = thrown(() => openLabDatabase(dir, { mode }));
      expect(error.code).toBe('orphaned-data');
      expect(error.message).toContain(`The data folder ${dir} holds lab data (runs/, cache/)`);
      expect(error.message).toContain(`is ${state}`);
      expect(error.message).toContain(`ddl-lab lab reset --data-dir "${dir}" --yes`);
    }
    expect(readdirSync(dir).sort()).toEqual(before);
    if (state !== 'missing') expect(statSync(databasePath(dir)).size).toBe(0);
  });

  it('refuses a leftover lab.sqlite-wal alone, but not empty runs/ or a cache/ without dataset caches', () => {
    const walOnly = tempDir();
    writeFileSync(join(walOnly, 'lab.sqlite-wal'), 'x');
    expect(thrown(() => openLabDatabase(walOnly)).message).toContain('holds lab data (lab.sqlite-wal)');
    // The desktop app's userData: Chromium's Cache folder is `cache` where names ignore case.
    const userData = tempDir();
    mkdirSync(join(userData, 'runs'));
    mkdirSync(join(userData, 'cache', 'Cache_Data'), { recursive: true });
    writeFileSync(join(userData, 'cache', 'Cache_Data', 'index'), 'chromium');
    expect(schemaVersion(keep(openLabDatabase(userData)))).toBe(migrations.length);
  });

  it('gives a new lab an id, and a different one to the next new lab', () => {
    const a = keep(openLabDatabase(tempDir()));
    const b = keep(openLabDatabase(tempDir()));
    expect(readLabId(a)).not.toBe(readLabId(b));
    const dir = tempDir();
    const first = readLabId(openLabDatabase(dir));
    expect(readLabId(keep(openLabDatabase(dir)))).toBe(first);
  });
});

describe('openLabDatabase: read mode', () => {
  it('opens read-only, changes no byte of lab.sqlite, and refuses writes', () => {
    const dir = usedFolder();
    const bytes = readFileSync(databasePath(dir));
    const db = keep(openLabDatabase(dir, { mode: 'read' }));
    expect(db.readonly).toBe(true);
    expect(listDatasets(db).map((d) => d.name)).toEqual(['d']);
    expect(() => createDataset(db, { name: 'e', kind: 'imagefolder', root: '/x', maxPixels: 1 })).toThrow(/readonly/);
    db.close();
    expect(readFileSync(databasePath(dir)).equals(bytes)).toBe(true);
    // A read-only connection cannot remove the (empty) -wal/-shm it opened; the next writer reuses them.
    const extra = readdirSync(dir).filter((n) => !['cache', 'lab.sqlite', 'runs'].includes(n));
    expect(['lab.sqlite-shm', 'lab.sqlite-wal']).toEqual(expect.arrayContaining(extra));
    if (extra.includes('lab.sqlite-wal')) expect(statSync(join(dir, 'lab.sqlite-wal')).size).toBe(0);
  });

  it('reads a folder with no lab yet as an empty lab and creates nothing, not even the folder', () => {
    const dir = join(tempDir(), 'not-yet');
    const db = keep(openLabDatabase(dir, { mode: 'read' }));
    expect(listDatasets(db)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('upgrades an older lab once, then reads it read-only', () => {
    const dir = tempDir();
    openDatabase(databasePath(dir), [migration001, migration002, migration003]).close();
    const db = keep(openLabDatabase(dir, { mode: 'read' }));
    expect([db.readonly, schemaVersion(db)]).toEqual([true, migrations.length]);
  });
});

describe('openLabDatabase: errors name lab.sqlite and what to do', () => {
  it('a file that is not a database', () => {
    const dir = tempDir();
    writeFileSync(databasePath(dir), 'this is not SQLite, it was overwritten by something else entirely');
    for (const mode of ['write', 'read'] as const) {
      const error = thrown(() => openLabDatabase(dir, { mode }));
      expect(error.code).toBe('damaged');
      expect(error.message).toContain(databasePath(dir));
      expect(error.message).toMatch(/Restore lab.sqlite from a backup.*ddl-lab lab reset/);
    }
  });

  it('a SQLite file of something else', () => {
    const dir = tempDir();
    openDatabase(databasePath(dir), [{ version: 1, name: 'x', up: (db) => db.exec('CREATE TABLE x (y)') }]).pragma(
      'user_version = 0',
    );
    const error = thrown(() => openLabDatabase(dir));
    expect([error.code, error.message]).toEqual([
      'not-a-lab',
      expect.stringContaining(`${databasePath(dir)} is a SQLite database but not a DDL Lab one`),
    ]);
  });

  it('a lab newer than this DDL Lab', () => {
    const dir = tempDir();
    openLabDatabase(dir).pragma('user_version = 99');
    const error = thrown(() => openLabDatabase(dir, { mode: 'read' }));
    expect(error.message).toMatch(new RegExp(`${databasePath(dir)} is at schema version 99.*Update DDL Lab`));
  });
});

/** A real lab with a few hundred image rows, closed (WAL checkpointed), with a page in the middle overwritten. */
function corruptedLab(): string {
  const dir = tempDir();
  const db = openLabDatabase(dir);
  insertFakeSplit(db, { identities: 300, easyPerIdentity: 3, hardIdentities: 300 });
  db.close();
  const file = databasePath(dir);
  const size = statSync(file).size;
  expect(size).toBeGreaterThan(20 * 4096);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, Math.floor(size / 2 / 4096) * 4096);
  closeSync(fd);
  return dir;
}

describe('checkLabDatabase and lab reset', () => {
  it('finds a page overwritten in the middle of a real lab.sqlite, which opening alone does not', () => {
    const dir = corruptedLab();
    keep(openLabDatabase(dir)).close(); // the header is intact: opening succeeds
    const error = thrown(() => checkLabDatabase(dir, 'write'));
    expect(error.code).toBe('damaged');
    // Either quick_check lists the damage or SQLite stops at the broken page while checking.
    expect(error.message).toContain(`lab database ${databasePath(dir)}`);
    expect(error.message).toMatch(/damaged.*Restore lab.sqlite from a backup.*ddl-lab lab reset/s); // quick_check output may span lines
  });

  it('passes an intact lab and reports its id', () => {
    const dir = usedFolder();
    const check = checkLabDatabase(dir, 'read');
    expect(check).toMatchObject({ file: databasePath(dir), exists: true, schemaVersion: migrations.length });
  });

  it('reset moves a damaged lab and its folders aside (nothing deleted) and the next open starts a new lab', () => {
    const dir = corruptedLab();
    mkdirSync(join(dir, 'runs', '1'), { recursive: true });
    writeFileSync(join(dir, 'runs', '1', 'worker.log'), 'old');
    const plan = planLabReset(dir);
    expect(plan.state).toBe('damaged');
    const result = resetLab(dir, plan);
    expect(result.moved).toEqual(expect.arrayContaining(['lab.sqlite', 'runs']));
    expect(result.movedTo).toMatch(new RegExp(`^${dir}/reset-\\d{4}-\\d\\d-\\d\\dT`));
    expect(readdirSync(result.movedTo).sort()).toEqual([...result.moved].sort());
    expect(readdirSync(dir)).toEqual([result.movedTo.slice(dir.length + 1)]);
    const db = keep(openLabDatabase(dir));
    expect(listDatasets(db)).toEqual([]);
  });

  it('reset moves an orphaned folder aside, and refuses a healthy lab or a folder with no lab', () => {
    const dir = usedFolder();
    expect(planLabReset(dir).state).toBe('healthy');
    expect(() => resetLab(dir)).toThrow(/passes SQLite's check; reset only moves aside/);
    expect(
      readdirSync(dir)
        .filter((n) => !n.startsWith('lab.sqlite-'))
        .sort(),
    ).toEqual(['cache', 'lab.sqlite', 'runs']);
    for (const name of readdirSync(dir)) if (name.startsWith('lab.sqlite')) rmSync(join(dir, name));
    expect(resetLab(dir).moved).toEqual(['runs', 'cache']);
    expect(planLabReset(tempDir()).state).toBe('no-lab');
  });
});
