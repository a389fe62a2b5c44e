import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLabService, type LabService } from '../../app/api/service/index.js';
import { serviceCalls } from '../../app/api/service/test-support/service-calls.js';
import { writeImageFolder } from '../../app/data/test-fixtures.js';
import { pickFolder, PickedPaths } from './folder-picker.js';
import { dialog } from './test-support/fake-electron.js';

vi.mock('electron', () => import('./test-support/fake-electron.js'));

// The desktop app's folder dialog remembers what the person chose: an import may then read a pairs
// file under a chosen folder, while a path merely typed into the page stays refused.

let dir: string;
let service: LabService;
const picked = new PickedPaths();
const { call, refused } = serviceCalls(() => service);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-lab-picker-'));
  await writeImageFolder(join(dir, 'faces'), { identities: 2, perIdentity: 2 });
  for (const folder of ['lists', 'typed']) {
    mkdirSync(join(dir, folder));
    writeFileSync(join(dir, folder, 'pairs.csv'), 'id_000/img_00.png,id_000/img_01.png,1\n');
  }
  service = createLabService({
    dataDir: join(dir, 'data'),
    shell: 'electron',
    pickFolder: (title) => pickFolder(title, picked),
    pickedPaths: () => picked.list(),
  });
});

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('folder picker allow-list', () => {
  it('records the folders chosen in the dialog, not cancelled ones', async () => {
    dialog.nextResult = { canceled: true, filePaths: [] };
    expect(await call('system.pickFolder', {})).toEqual({ path: null });
    dialog.nextResult = { canceled: false, filePaths: [join(dir, 'lists')] };
    expect(await call('system.pickFolder', { title: 'Pairs folder' })).toEqual({ path: join(dir, 'lists') });
    expect(picked.list()).toEqual([join(dir, 'lists')]);
  });

  it('lets an import read a pairs file under a picked folder, and refuses one that was only typed', async () => {
    const typed = await refused('datasets.import', {
      path: join(dir, 'faces'),
      pairsFile: join(dir, 'typed', 'pairs.csv'),
    });
    expect(typed).toMatchObject({ code: 'invalid_params', field: 'pairsFile' });
    expect(typed.message).toMatch(/outside the dataset folder/);
    const accepted = await call('datasets.import', {
      path: join(dir, 'faces'),
      pairsFile: join(dir, 'lists', 'pairs.csv'),
    });
    expect(accepted.jobId).toBeTruthy();
  });
});
