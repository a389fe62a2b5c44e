import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSynthFaces } from '../../data/synth/index.js';
import { pixelCachePaths } from '../../data/pixel-cache.js';

// For tests of interrupted imports: a real `ddl-lab dataset import` child process, killed with
// SIGKILL once it has written part of its pixel cache (so it dies mid-import, like a crash).

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A SynthFaces folder big enough that importing it takes a while (600 images). */
export async function writeImportableFaces(outDir: string): Promise<string> {
  await generateSynthFaces({ outDir, preset: 'pose', identities: 60, perIdentity: 10, size: 48, seed: 3 });
  return outDir;
}

export interface KilledImport {
  pid: number;
  /** The `.partial` pixel cache it left. */
  partial: string;
  /** Bytes it had written there. */
  partialBytes: number;
}

/** Imports `folder` as dataset `datasetId` of `dataDir` in a child process and kill -9s it mid-import. */
export async function killImportMidway(folder: string, dataDir: string, datasetId = 1): Promise<KilledImport> {
  const size = 48;
  const partial = `${pixelCachePaths(dataDir, datasetId, size).pixels}.partial`;
  const child = spawn(
    process.execPath,
    [join(projectRoot, 'bin/ddl-lab.js'), 'dataset', 'import', folder, '--size', String(size), '--data-dir', dataDir],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = Date.now() + 60_000;
  while (!(existsSync(partial) && statSync(partial).size > 0)) {
    if (ended) throw new Error(`the import ended before it could be killed (use a bigger folder):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the import wrote no ${partial} within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  child.kill('SIGKILL');
  await exited;
  if (!existsSync(partial)) throw new Error(`the import finished before the kill landed:\n${output}`);
  return { pid: child.pid!, partial, partialBytes: statSync(partial).size };
}
