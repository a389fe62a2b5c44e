import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../../app/data/import-dataset.js';
import { datasetCacheDir, readPixelCacheManifest } from '../../../app/data/pixel-cache.js';
import { writeImageFolder } from '../../../app/data/test-fixtures.js';
import { openDatabase, openLabDatabase } from '../../../app/store/db.js';
import { migration001 } from '../../../app/store/migrations/001-datasets.js';
import { migration002 } from '../../../app/store/migrations/002-runs.js';
import { migration003 } from '../../../app/store/migrations/003-evaluations.js';
import { migrations } from '../../../app/store/migrations/index.js';
import { readLabId } from '../../../app/store/lab-meta.js';
import { insertSplit } from '../../../app/store/splits-repo.js';

// The real `ddl-lab` commands, as processes, on a data folder in trouble: a used folder whose
// lab.sqlite is empty or missing (every command refuses, writes nothing, names the folder and the
// way out), the explicit reset, a read-only folder (listed by a user who may not write it) and a
// lab.sqlite damaged in the middle (serve refuses it).

const root = fileURLToPath(new URL('../../../', import.meta.url));
const isRoot = process.getuid?.() === 0;
let dir: string;
let faces: string;
let template: string;

type Result = { code: number | null; stdout: string; stderr: string };
function ddlLab(args: string[], options: { uid?: number; stopAfterMs?: number } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/ddl-lab.js', ...args], {
      cwd: root,
      env: { ...process.env, LAB_THREADS: '1' },
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
    });
    // A command that keeps running when all is well (serve) is asked to stop after a while.
    const stop =
      options.stopAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), options.stopAfterMs);
    child.on('exit', () => clearTimeout(stop));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every file and folder under `folder` with its size and content hash: equal snapshots = nothing written. */
function snapshot(folder: string): string[] {
  return readdirSync(folder, { recursive: true })
    .map(String)
    .sort()
    .map((name) => {
      const path = join(folder, name);
      const stat = statSync(path);
      if (stat.isDirectory()) return `${name}/`;
      return `${name} ${stat.size} ${createHash('sha1').update(readFileSync(path)).digest('hex')}`;
    });
}

/** A copy of the used lab: a dataset with its cache, a split, a run folder with a checkpoint. */
function usedLab(name: string): string {
  const dataDir = join(dir, name);
  cpSync(template, dataDir, { recursive: true });
  return dataDir;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cli-safety-'));
  chmodSync(dir, 0o755); // the uid-65534 test walks through it
  faces = join(dir, 'faces');
  await writeImageFolder(faces, { identities: 3, perIdentity: 3 });
  template = join(dir, 'template');
  const db = openLabDatabase(template);
  const { id } = await importDataset({ db, root: faces, inputSize: 16 });
  insertSplit(
    db,
    { datasetId: id, name: 'all easy', rule: {}, summary: {}, datasetRevision: 1 },
    {
      easy: [],
      hard: [],
    },
  );
  db.close();
  // As an earlier version left it: the dataset's pixel cache inside the data folder (cache/), not in the cache folder.
  mkdirSync(join(template, 'cache'));
  renameSync(datasetCacheDir(template, id), join(template, 'cache', `dataset-${id}`));
  mkdirSync(join(template, 'runs', '1', 'checkpoints', 'step-000010'), { recursive: true });
  writeFileSync(join(template, 'runs', '1', 'checkpoints', 'step-000010', 'state.json'), '{"step":10}');
  writeFileSync(join(template, 'config.json'), '{"stage":1}');
}, 60_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a used data folder whose lab.sqlite is empty or missing', () => {
  it('every command refuses, exit code non-zero, naming the folder and the reset, and nothing is written', async () => {
    const dataDir = usedLab('truncated');
    truncateSync(join(dataDir, 'lab.sqlite'), 0);
    const before = snapshot(dataDir);
    const d = ['--data-dir', dataDir];
    const commands = [
      ['dataset', 'list', ...d],
      ['dataset', 'show', '1', ...d],
      ['dataset', 'import', faces, '--size', '16', ...d],
      ['dataset', 'cache', '1', '--size', '16', ...d],
      ['dataset', 'remove', '1', ...d],
      ['split', 'list', ...d],
      ['split', 'create', '1', '--rule', '{"hard":{"images":[1]}}', ...d],
      ['runs', 'list', ...d],
      ['runs', 'show', '1', ...d],
      ['runs', 'delete', '1', ...d],
      ['train', '--dataset', '1', '--split', '1', '--config', join(dataDir, 'config.json'), ...d],
      ['train', '--resume', '1', ...d],
      ['eval', '1', '--pairs', '1', ...d],
      ['serve', '--port', '0', ...d],
      ['lab', 'check', ...d],
      ['demo', '--quick', ...d],
    ];
    // Four at a time: they only read the folder (or should), so they may run together.
    const results: Array<{ args: string[] } & Result> = [];
    for (let i = 0; i < commands.length; i += 4)
      results.push(
        ...(await Promise.all(commands.slice(i, i + 4).map(async (args) => ({ args, ...(await ddlLab(args)) })))),
      );
    for (const { args, code, stdout, stderr } of results) {
      expect([args.slice(0, 2), code === 0 ? 'exit 0' : 'failed'], stdout + stderr).toEqual([
        args.slice(0, 2),
        'failed',
      ]);
      expect(stderr).toContain(`The data folder ${dataDir} holds lab data (runs/, cache/)`);
      expect(stderr).toContain(`is empty (0 bytes)`);
      expect(stderr).toContain(`ddl-lab lab reset --data-dir "${dataDir}" --yes`);
    }
    expect(snapshot(dataDir)).toEqual(before);
    expect(readdirSync(dataDir).filter((n) => n.startsWith('lab.sqlite'))).toEqual(['lab.sqlite']);
  }, 240_000);

  it('a missing lab.sqlite beside runs/ and cache/ is the same case', async () => {
    const dataDir = usedLab('missing');
    rmSync(join(dataDir, 'lab.sqlite'));
    const before = snapshot(dataDir);
    for (const args of [
      ['dataset', 'list'],
      ['dataset', 'import', faces, '--size', '16'],
      ['serve', '--port', '0'],
    ]) {
      const { code, stderr } = await ddlLab([...args, '--data-dir', dataDir]);
      expect(code).not.toBe(0);
      expect(stderr).toContain(`The data folder ${dataDir} holds lab data (runs/, cache/) but its database`);
      expect(stderr).toContain('is missing');
    }
    expect(snapshot(dataDir)).toEqual(before);
  }, 60_000);

  it('lab reset moves the old files aside only with --yes, says where, and the next import starts a new lab', async () => {
    const dataDir = usedLab('reset');
    truncateSync(join(dataDir, 'lab.sqlite'), 0);
    const before = snapshot(dataDir);
    const help = await ddlLab(['lab', '--help']);
    expect(help.stdout).toMatch(
      /ddl-lab lab reset \[--data-dir D\] --yes[\s\S]*moves lab\.sqlite\*, runs\/ and cache\//,
    );

    const dry = await ddlLab(['lab', 'reset', '--data-dir', dataDir]);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain(`Reset would move lab.sqlite, runs, cache from ${dataDir}`);
    expect(snapshot(dataDir)).toEqual(before);

    const reset = await ddlLab(['lab', 'reset', '--data-dir', dataDir, '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    const movedTo = /into (\S+) \(nothing was deleted\)/.exec(reset.stdout)![1]!;
    expect(movedTo.startsWith(join(dataDir, 'reset-'))).toBe(true);
    // The old files, byte for byte, under the reset folder.
    const name = movedTo.slice(dataDir.length + 1);
    expect(snapshot(movedTo)).toEqual(before.filter((e) => !e.startsWith('config.json')).map((e) => e));
    expect(readdirSync(dataDir).sort()).toEqual(['config.json', name]);

    const list = await ddlLab(['dataset', 'list', '--data-dir', dataDir]);
    expect([list.code, list.stdout]).toEqual([0, expect.stringContaining('No datasets yet')]);
    const imported = await ddlLab(['dataset', 'import', faces, '--size', '16', '--json', '--data-dir', dataDir]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ id: 1, images: 9 });
    const db = openLabDatabase(dataDir, { mode: 'read' });
    expect(readPixelCacheManifest(dataDir, 1, 16)!.labId).toBe(readLabId(db));
    db.close();
  }, 90_000);
});

describe('a read-only data folder', () => {
  it('is listed by a user who may not write it; a write command says why it cannot, naming lab.sqlite', async () => {
    const dataDir = usedLab('read-only');
    // Root ignores permissions, so as root the commands run as uid 65534 (nobody).
    const uid = isRoot ? 65534 : undefined;
    for (const entry of readdirSync(dataDir, { recursive: true }).map(String))
      chmodSync(join(dataDir, entry), statSync(join(dataDir, entry)).isDirectory() ? 0o555 : 0o444);
    chmodSync(dataDir, 0o555);
    try {
      const before = snapshot(dataDir);
      const list = await ddlLab(['dataset', 'list', '--json', '--data-dir', dataDir], { uid });
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: 1, imageCount: 9 })]);
      const splits = await ddlLab(['split', 'list', '--data-dir', dataDir], { uid });
      expect([splits.code, splits.stdout]).toEqual([0, expect.stringContaining('all easy')]);
      const runs = await ddlLab(['runs', 'list', '--data-dir', dataDir], { uid });
      expect([runs.code, runs.stdout]).toEqual([0, `no runs in ${dataDir}\n`]);
      const remove = await ddlLab(['dataset', 'remove', '1', '--data-dir', dataDir], { uid });
      expect(remove.code).not.toBe(0);
      expect(remove.stderr).toContain(`Cannot open the lab database ${join(dataDir, 'lab.sqlite')}`);
      expect(remove.stderr).toMatch(/may write to them.*or choose another folder with --data-dir/);
      expect(snapshot(dataDir)).toEqual(before);
    } finally {
      chmodSync(dataDir, 0o755);
    }
  }, 60_000);

  it('an older lab there says it needs one upgrade with write access', async () => {
    const dataDir = join(dir, 'read-only-old');
    openDatabase(join(dataDir, 'lab.sqlite'), [migration001, migration002, migration003]).close();
    chmodSync(dataDir, 0o555);
    try {
      const list = await ddlLab(['dataset', 'list', '--data-dir', dataDir], { uid: isRoot ? 65534 : undefined });
      expect(list.code).toBe(1);
      expect(list.stderr).toContain(
        `The lab database ${join(dataDir, 'lab.sqlite')} is at schema version 3; this DDL Lab reads version ${migrations.length} and must upgrade it once, which needs write access`,
      );
    } finally {
      chmodSync(dataDir, 0o755);
    }
  }, 60_000);
});

describe('a lab.sqlite damaged in the middle', () => {
  it('serve refuses to start on it, naming the file and what to do, and changes nothing', async () => {
    const dataDir = usedLab('corrupt');
    const db = openLabDatabase(dataDir);
    // Enough rows for a file of many pages, so the middle is table data, not the header.
    db.exec(
      'CREATE TABLE IF NOT EXISTS ballast (x TEXT); INSERT INTO ballast SELECT hex(randomblob(200)) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT i FROM n)',
    );
    db.close();
    const file = join(dataDir, 'lab.sqlite');
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const before = snapshot(dataDir);

    const served = await ddlLab(['serve', '--port', '0', '--data-dir', dataDir]);
    expect(served.code).toBe(1);
    expect(served.stdout).not.toContain('serving');
    expect(served.stderr).toContain(`lab database ${file}`);
    expect(served.stderr).toMatch(
      /damaged.*DDL Lab will not use it.*Restore lab\.sqlite from a backup.*ddl-lab lab reset/,
    );
    expect(snapshot(dataDir)).toEqual(before);

    const check = await ddlLab(['lab', 'check', '--data-dir', dataDir]);
    expect([check.code, check.stderr]).toEqual([1, expect.stringContaining(file)]);
  }, 60_000);

  it('serve passes the check on an intact lab (and goes on to its next step)', async () => {
    // Without a built UI it stops at that next step; with one (after `npm run build:renderer` or a
    // first `npm test`) it serves until asked to stop.
    const served = await ddlLab(['serve', '--port', '0', '--data-dir', usedLab('intact')], { stopAfterMs: 15_000 });
    expect(served.stderr).not.toMatch(/damaged|holds lab data/);
    expect(`${served.stdout}${served.stderr}`).toMatch(/renderer|http:\/\/127\.0\.0\.1:\d+/);
  }, 60_000);
});
