import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getDataset } from '../store/datasets-repo.js';
import { openDatabase } from '../store/db.js';
import { importDataset } from './import-dataset.js';
import { importerState, importMarkerPath, readImportMarker, writeImportMarker } from './import-marker.js';
import { writeImageFolder } from './test-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ddl-import-marker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('import marker', () => {
  it('names this process while the import runs, and is gone once the dataset is ready', async () => {
    const root = join(dir, 'faces');
    await writeImageFolder(root, { identities: 3, perIdentity: 4, size: 8 });
    const dataDir = join(dir, 'data');
    const db = openDatabase(join(dataDir, 'lab.sqlite'));
    const seen: Array<{ status: string | undefined; alive: boolean; pid: number | undefined }> = [];
    const result = await importDataset({
      db,
      root,
      inputSize: 8,
      onProgress: (p) => {
        if (p.phase !== 'images' || p.done !== 5) return;
        const state = importerState(dataDir, 1);
        seen.push({ status: getDataset(db, 1)?.status, alive: state.alive, pid: state.marker?.pid });
      },
    });
    expect(seen).toEqual([{ status: 'importing', alive: true, pid: process.pid }]);
    expect(result.status).toBe('ready');
    expect(existsSync(importMarkerPath(dataDir, 1))).toBe(false);
    db.close();
  });

  it('calls an importer dead when its process has exited', () => {
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const pid = Number(exited.stdout);
    writeImportMarker(dir, 7);
    writeFileSync(importMarkerPath(dir, 7), JSON.stringify({ pid, processStart: null, startedAt: 'then' }));
    expect(importerState(dir, 7)).toEqual({ alive: false, marker: { pid, processStart: null, startedAt: 'then' } });
  });

  it.runIf(process.platform === 'linux')('calls an importer dead when its pid now belongs to another process', () => {
    writeImportMarker(dir, 8);
    const mine = readImportMarker(dir, 8)!;
    expect(importerState(dir, 8).alive).toBe(true);
    writeFileSync(importMarkerPath(dir, 8), JSON.stringify({ ...mine, processStart: '1' }));
    expect(importerState(dir, 8).alive).toBe(false);
  });

  it('calls an importer dead when there is no marker or it is not a marker', () => {
    expect(importerState(dir, 9)).toEqual({ alive: false, marker: null });
    writeImportMarker(dir, 10);
    writeFileSync(importMarkerPath(dir, 10), '{"pid": "not a pid"');
    expect(importerState(dir, 10)).toEqual({ alive: false, marker: null });
  });
});
