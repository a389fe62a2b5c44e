import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkpointDirectory,
  deletableCheckpointFolder,
  readCheckpoint,
  removeStaleCheckpointTemps,
  writeCheckpoint,
} from './checkpoint-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function runDir() {
  const dir = mkdtempSync(join(tmpdir(), 'ddl-ckpt-'));
  dirs.push(dir);
  return dir;
}

const state = {
  step: 20,
  totalSteps: 100,
  classes: 3,
  headState: { t: 0.25 },
  samplerState: { cursor: 7, order: [2, 0, 1] },
  randomState: 123456,
  trainSeconds: 4.5,
};
const arrays = {
  classifier: { shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  optimizer: {
    names: ['w', 'b'],
    shapes: [[2, 2], [1]],
    values: [Float32Array.from([0.1, 0.2, 0.3, 0.4]), Float32Array.from([9])],
  },
};
const saveBackbone = async (dir: string) => {
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.json'), '{}');
};

describe('checkpoint files', () => {
  it('round-trips the state, classifier and momentum buffers', async () => {
    const dir = runDir();
    const path = await writeCheckpoint(dir, state, arrays, saveBackbone);
    expect(path).toBe(checkpointDirectory(dir, 20));
    expect(path.endsWith(join('checkpoints', 'step-000020'))).toBe(true);
    const loaded = readCheckpoint(path);
    expect(loaded).toMatchObject({ ...state, backboneDir: join(path, 'backbone') });
    expect(Array.from(loaded.classifier.values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(loaded.classifier.shape).toEqual([2, 3]);
    expect(loaded.optimizer.names).toEqual(['w', 'b']);
    expect(loaded.optimizer.values.map((v) => Array.from(v))).toEqual([
      [expect.closeTo(0.1, 6), expect.closeTo(0.2, 6), expect.closeTo(0.3, 6), expect.closeTo(0.4, 6)],
      [9],
    ]);
    expect(existsSync(join(path, 'backbone', 'model.json'))).toBe(true);
  });

  it('leaves no folder behind when the backbone cannot be saved, and replaces a step written twice', async () => {
    const dir = runDir();
    await expect(
      writeCheckpoint(dir, state, arrays, async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual([]);
    await writeCheckpoint(dir, state, arrays, saveBackbone);
    await writeCheckpoint(dir, { ...state, trainSeconds: 9 }, arrays, saveBackbone);
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(['step-000020']);
    expect(readCheckpoint(checkpointDirectory(dir, 20)).trainSeconds).toBe(9);
  });

  it('cleans temporary folders a crash left and refuses an incomplete checkpoint', async () => {
    const dir = runDir();
    mkdirSync(join(dir, 'checkpoints', '.tmp-step-000030-1-2'), { recursive: true });
    removeStaleCheckpointTemps(dir);
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual([]);
    mkdirSync(join(dir, 'checkpoints', 'step-000040'));
    expect(() => readCheckpoint(join(dir, 'checkpoints', 'step-000040'))).toThrow(/incomplete: state.json is missing/);
  });

  it("lets only folders inside the run's own folder be deleted, links never followed", async () => {
    const dataDir = runDir();
    const elsewhere = runDir();
    const own = join(dataDir, 'runs', '3');
    const written = await writeCheckpoint(own, state, arrays, saveBackbone);
    expect(deletableCheckpointFolder(dataDir, { runId: 3, step: 20 })).toBe(written);
    expect(deletableCheckpointFolder(dataDir, { runId: 3, step: 30 })).toBeUndefined(); // nothing there

    // A checkpoint folder that is a link to another lab's checkpoint.
    const foreign = await writeCheckpoint(join(elsewhere, 'runs', '3'), state, arrays, saveBackbone);
    symlinkSync(foreign, checkpointDirectory(own, 40));
    expect(() => deletableCheckpointFolder(dataDir, { runId: 3, step: 40 })).toThrow(
      /not deleting checkpoint step 40 of run 3 at .*step-000040: it is a link/,
    );
    // A run folder that is a link: its checkpoints resolve outside <dataDir>/runs/4/.
    symlinkSync(join(elsewhere, 'runs', '3'), join(dataDir, 'runs', '4'));
    expect(() => deletableCheckpointFolder(dataDir, { runId: 4, step: 20 })).toThrow(
      /not deleting checkpoint step 20 of run 4 .*: it resolves to .*, outside the run's folder/,
    );
    expect(existsSync(join(foreign, 'state.json'))).toBe(true);
  });
});
