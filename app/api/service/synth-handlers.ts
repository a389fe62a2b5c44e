import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSynthFaces } from '../../data/synth/index.js';
import { importDataset } from '../../lab/datasets.js';
import type { HandlersOf, ServiceContext } from './context.js';
import { serviceLab } from './dataset-handlers.js';
import { apiId } from './ids.js';

// synth.generate: SynthFaces written into the data directory, then imported like any folder
// (it exercises the real readers). One job, two phases: generating, then importing.

function freshFolder(parent: string, base: string): string {
  for (let n = 1; ; n++) {
    const candidate = join(parent, n === 1 ? base : `${base}-${n}`);
    if (!existsSync(candidate) || readdirSync(candidate).length === 0) return candidate;
  }
}

export function synthHandlers(context: ServiceContext): HandlersOf<'synth'> {
  return {
    'synth.generate': async ({ preset, identities, perIdentity, size, seed, name }) => {
      const outDir = freshFolder(
        join(context.options.dataDir, 'synthfaces'),
        `${preset}-${identities}x${perIdentity}-${size}px-seed${seed}`,
      );
      const job = context.jobs.start('synth', async ({ signal, progress }) => {
        await generateSynthFaces({
          outDir,
          preset,
          identities,
          perIdentity,
          size,
          seed,
          signal,
          onProgress: (done, total) => progress('generating', done, total),
        });
        const result = await importDataset(serviceLab(context), {
          root: outDir,
          name: name ?? `SynthFaces ${preset} ${identities}×${perIdentity} (seed ${seed})`,
          inputSize: Math.min(size, 112),
          signal,
          onProgress: (p) => progress(p.phase === 'images' ? 'importing' : p.phase, p.done, p.total || null),
        });
        if (result.status === 'failed')
          throw new Error(result.error ?? `the generated dataset at ${outDir} could not be imported`);
        return { datasetId: apiId(result.id) };
      });
      return { jobId: job.id };
    },
  };
}
