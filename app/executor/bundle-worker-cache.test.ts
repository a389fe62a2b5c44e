import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheFolderName, cacheLocation } from '../data/cache-location.js';
import { RunManager } from '../train/run-manager.js';
import { createSynthFixture, type SynthFixture } from '../train/test-support/synth-fixture.js';
import { tinyStage1 } from '../train/test-support/tiny-stage1.js';
import { createBundle } from './bundle-create.js';
import { bundlePaths } from './bundle-layout.js';
import { runBundle } from './bundle-worker.js';

// A run bundle's pixel cache, from the lab's cache folder to the node: the bundle carries the
// files (input/cache/), and the worker stages them inside its scratch lab, which it deletes at the
// end, never in the node's per-user cache folder, where nothing would ever remove them.

let fixture: SynthFixture;
let work: string;
const saved = { xdg: process.env.XDG_CACHE_HOME, scratch: process.env.SLURM_TMPDIR };

beforeAll(async () => {
  work = mkdtempSync(join(process.env.XDG_CACHE_HOME ?? '/tmp', 'bundle-cache-'));
  process.env.XDG_CACHE_HOME = join(work, 'xdg'); // this lab's (and the node's) platform cache folder
  fixture = await createSynthFixture({ identities: 8, perIdentity: 4 });
}, 60_000);
afterAll(() => {
  fixture?.cleanup();
  rmSync(work, { recursive: true, force: true });
  for (const [name, value] of [
    ['XDG_CACHE_HOME', saved.xdg],
    ['SLURM_TMPDIR', saved.scratch],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

// env-paths reads XDG_CACHE_HOME on Linux only.
describe.skipIf(process.platform === 'darwin' || process.platform === 'win32')(
  'run bundle pixel caches (XDG rule: Linux only)',
  () => {
    it('copies the cache from the cache folder into the bundle; the worker trains from it in scratch and leaves no cache behind', async () => {
      const { db, dataDir, datasetId, splitId } = fixture;
      expect(cacheLocation(dataDir).source).toBe('platform cache folder');
      const run = new RunManager(db, dataDir).create({ datasetId, splitId, config: tinyStage1(2, 2) });
      const shared = join(work, 'shared');
      mkdirSync(shared);
      const { dir } = await createBundle(db, dataDir, run.id, shared);
      expect(readdirSync(bundlePaths(dir).cache).sort()).toEqual(['rgb-32.json', 'rgb-32.u8']);

      // The node trains from the bundle's cache alone: the image files are out of reach.
      renameSync(join(dataDir, 'synth'), join(dataDir, 'synth-away'));
      const scratchRoot = join(work, 'node-scratch');
      mkdirSync(scratchRoot);
      process.env.SLURM_TMPDIR = scratchRoot;
      try {
        const status = await runBundle(dir, { log: () => {} });
        expect([status.state, status.step, status.error]).toEqual(['completed', 2, null]);
      } finally {
        renameSync(join(dataDir, 'synth-away'), join(dataDir, 'synth'));
      }
      expect(readdirSync(scratchRoot)).toEqual([]);
      expect(readdirSync(join(work, 'xdg', 'ddl-lab'))).toEqual([cacheFolderName(dataDir)]);
    });
  },
);
