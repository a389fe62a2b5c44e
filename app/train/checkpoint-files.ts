import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { checkpointFolder, checkpointFolderName, runFolder } from '../store/runs-checkpoints.js';
import type { SgdState } from './sgd.js';

// A checkpoint is one folder, written in full under a temporary name and renamed into place, so a
// crash leaves either the old set of checkpoints or the new one, never half a folder:
//   step-000100/backbone/      the backbone in tfjs format (model.json + weights), loadBackbone()-able
//   step-000100/arrays.bin     classifier weights and optimiser momentum, float32, back to back
//   step-000100/state.json     step, array index, head / sampler / Random state, training seconds

export const checkpointFormatVersion = 1;

export interface CheckpointArrays {
  /** Classifier weights [embeddingSize, classes]. */
  classifier: { shape: number[]; values: Float32Array };
  optimizer: SgdState;
}

export interface CheckpointState {
  step: number;
  totalSteps: number;
  classes: number;
  headState: Record<string, number>;
  samplerState: unknown;
  randomState: number;
  /** The backbone's dropout mask stream (absent in checkpoints written before it was saved). */
  dropoutState?: number;
  /** Seconds of training so far, summed over resumes. */
  trainSeconds: number;
}

export interface LoadedCheckpoint extends CheckpointState, CheckpointArrays {
  dir: string;
  backboneDir: string;
}

interface ArrayEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}
interface StateFile extends CheckpointState {
  format: number;
  createdAt: string;
  arrays: ArrayEntry[];
}

export function runDirectory(dataDir: string, runId: number): string {
  return runFolder(dataDir, runId);
}

export function checkpointDirectory(runDir: string, step: number): string {
  return join(runDir, 'checkpoints', checkpointFolderName(step));
}

/**
 * The checkpoint's folder, checked before it is deleted: undefined when it does not exist; an
 * error when it is a link or resolves (links above it followed) to anywhere but a folder under
 * `<dataDir>/runs/<runId>/`, so deleting a checkpoint can never reach another lab's files.
 */
export function deletableCheckpointFolder(
  dataDir: string,
  checkpoint: { runId: number; step: number },
): string | undefined {
  const dir = checkpointFolder(dataDir, checkpoint);
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat) return undefined;
  const refuse = (why: string) =>
    new Error(`not deleting checkpoint step ${checkpoint.step} of run ${checkpoint.runId} at ${dir}: ${why}`);
  if (stat.isSymbolicLink()) throw refuse(`it is a link (to ${realpathOrSelf(dir)}), not the run's own folder`);
  const own = join(realpathSync(dataDir), 'runs', String(checkpoint.runId));
  const real = realpathSync(dir);
  const inside = relative(own, real);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
    throw refuse(`it resolves to ${real}, outside the run's folder ${own}`);
  return dir;
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Writes a checkpoint atomically and returns its folder. `saveBackbone` writes the backbone's
 * tfjs files into the folder it is given. Re-writing an existing step (a resumed run replaying
 * it) replaces the old folder.
 */
export async function writeCheckpoint(
  runDir: string,
  state: CheckpointState,
  arrays: CheckpointArrays,
  saveBackbone: (dir: string) => Promise<void>,
): Promise<string> {
  const finalDir = checkpointDirectory(runDir, state.step);
  const tempDir = join(dirname(finalDir), `.tmp-${basename(finalDir)}-${process.pid}-${Date.now()}`);
  rmSync(tempDir, { recursive: true, force: true });
  mkdirSync(tempDir, { recursive: true });
  try {
    await saveBackbone(join(tempDir, 'backbone'));
    const named: { name: string; shape: number[]; values: Float32Array }[] = [
      { name: 'classifier', ...arrays.classifier },
      ...arrays.optimizer.names.map((name, i) => ({
        name: `momentum/${name}`,
        shape: arrays.optimizer.shapes[i] as number[],
        values: arrays.optimizer.values[i] as Float32Array,
      })),
    ];
    const entries: ArrayEntry[] = [];
    let offset = 0;
    for (const a of named) {
      entries.push({ name: a.name, shape: a.shape, offset, length: a.values.length });
      offset += a.values.length;
    }
    const packed = new Float32Array(offset);
    named.forEach((a, i) => packed.set(a.values, (entries[i] as ArrayEntry).offset));
    writeFileSync(join(tempDir, 'arrays.bin'), Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength));
    const file: StateFile = {
      format: checkpointFormatVersion,
      createdAt: new Date().toISOString(),
      ...state,
      arrays: entries,
    };
    writeFileSync(join(tempDir, 'state.json'), JSON.stringify(file, null, 1));
    if (existsSync(finalDir)) {
      const old = `${tempDir}-old`;
      renameSync(finalDir, old);
      renameSync(tempDir, finalDir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tempDir, finalDir);
    }
    return finalDir;
  } catch (error) {
    rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
}

export function readCheckpoint(dir: string): LoadedCheckpoint {
  const stateFile = join(dir, 'state.json');
  if (!existsSync(dir)) throw new Error(`checkpoint ${dir} does not exist (was it deleted?)`);
  if (!existsSync(stateFile)) throw new Error(`checkpoint ${dir} is incomplete: state.json is missing`);
  let file: StateFile;
  try {
    file = JSON.parse(readFileSync(stateFile, 'utf8')) as StateFile;
  } catch (error) {
    throw new Error(`checkpoint ${dir}: state.json cannot be read (${(error as Error).message})`);
  }
  if (file.format !== checkpointFormatVersion) {
    throw new Error(
      `checkpoint ${dir} has format ${file.format}; this DDL Lab reads format ${checkpointFormatVersion}`,
    );
  }
  const bytes = readFileSync(join(dir, 'arrays.bin'));
  const packed = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
  const slice = (e: ArrayEntry) => {
    if (e.offset + e.length > packed.length) throw new Error(`checkpoint ${dir}: arrays.bin is truncated (${e.name})`);
    return packed.slice(e.offset, e.offset + e.length);
  };
  const classifierEntry = file.arrays.find((e) => e.name === 'classifier');
  if (!classifierEntry) throw new Error(`checkpoint ${dir}: no classifier weights in arrays.bin`);
  const momentum = file.arrays.filter((e) => e.name.startsWith('momentum/'));
  const { arrays: _arrays, format: _format, createdAt: _createdAt, ...state } = file;
  return {
    ...state,
    dir,
    backboneDir: join(dir, 'backbone'),
    classifier: { shape: classifierEntry.shape, values: slice(classifierEntry) },
    optimizer: {
      names: momentum.map((e) => e.name.slice('momentum/'.length)),
      shapes: momentum.map((e) => e.shape),
      values: momentum.map(slice),
    },
  };
}

/** Removes temporary folders left by a checkpoint write that a crash interrupted. */
export function removeStaleCheckpointTemps(runDir: string): void {
  const dir = join(runDir, 'checkpoints');
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir))
    if (name.startsWith('.tmp-')) rmSync(join(dir, name), { recursive: true, force: true });
}
