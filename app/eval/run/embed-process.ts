import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageEmbeddings } from './embed-images.js';
import { readEmbeddingsFile } from './embeddings-file.js';
import type { EmbedWorkerRequest } from './evaluation-messages.js';
import { runEvaluationWorker, type EvaluationWorkerOptions } from './evaluation-process.js';

// The parent's side of `eval-worker --embed`: a dataset's embeddings under a run's checkpoint,
// computed in an evaluation process (loading the model and embedding every image never hold the
// app's main process) and handed over through a file in DATA/tmp/embeddings, removed once read
// (and a day later when a killed session left it).

export interface EmbedProcessOptions extends Omit<EvaluationWorkerOptions, 'args' | 'produces'> {
  request: EmbedWorkerRequest;
}

/** Files older than this in the folder were left by a session that was killed: removed. */
const staleMs = 24 * 3600 * 1000;

export async function embedInWorker(options: EmbedProcessOptions): Promise<ImageEmbeddings> {
  const { request, ...rest } = options;
  const folder = join(options.dataDir, 'tmp', 'embeddings');
  mkdirSync(folder, { recursive: true });
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > staleMs) rmSync(path, { force: true });
    } catch {
      // removed by another call meanwhile
    }
  }
  const file = join(folder, `${randomUUID()}.bin`);
  try {
    await runEvaluationWorker(
      { ...rest, args: ['--embed', JSON.stringify(request), '--out', file], produces: 'wrote the embeddings' },
      (message) => (message.type === 'embed.done' ? true : undefined),
    );
    return readEmbeddingsFile(file);
  } finally {
    rmSync(file, { force: true });
  }
}
