import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  embeddingRowsCsv,
  embeddingsCsvLines,
  embeddingsNpy,
  npyRowsFile,
  runEmbeddings,
  writeFileWhole,
} from '../../app/export/index.js';
import type { Lab } from '../../app/lab/lab.js';
import { progressBar } from '../../app/train/progress-text.js';
import { TerminalProgress } from '../../app/train/terminal-progress.js';
import type { Fail } from './command-line.js';

// `ddl-lab runs embeddings RUN --dataset ID [--format csv|npy] --out FILE`: every image of a dataset
// embedded by the run's latest checkpoint. CSV: path,identity,e0..e(d-1). npy: an (N, d) float32
// matrix, with its rows named in FILE.rows.csv (row,path,identity) beside it.

export const embeddingFormats = ['csv', 'npy'] as const;

export async function exportEmbeddings(
  lab: Lab,
  runId: number,
  options: { dataset?: string; format?: string; out?: string },
  fail: Fail,
): Promise<number> {
  const format = options.format ?? 'csv';
  if (!(embeddingFormats as readonly string[]).includes(format))
    return fail(`--format must be one of ${embeddingFormats.join(', ')} for embeddings, got "${format}".`);
  const datasetId = options.dataset === undefined ? undefined : Number(options.dataset);
  if (datasetId === undefined)
    return fail('runs embeddings needs --dataset ID: the dataset whose images to embed ("ddl-lab dataset list").');
  if (!Number.isInteger(datasetId) || datasetId < 1)
    return fail(`--dataset must be a dataset id (a whole number), got "${options.dataset}".`);
  const out = options.out;
  if (out === undefined)
    return fail(`runs embeddings needs --out FILE (the ${format === 'npy' ? '.npy' : 'CSV'} file).`);
  if (!existsSync(dirname(resolve(out))))
    return fail(`--out ${out}: the folder ${dirname(resolve(out))} does not exist.`);
  if (existsSync(out) && statSync(out).isDirectory()) return fail(`--out ${out} is a folder; give a file name.`);
  const progress = new TerminalProgress(process.stderr, { plainEvery: 0.5 });
  try {
    const embeddings = await runEmbeddings({
      db: lab.db,
      dataDir: lab.dataDir,
      runId,
      datasetId,
      onProgress: (done, total) =>
        progress.update(`embedding ${progressBar(done / total)} ${done}/${total} images`, done / total),
    });
    const rows = embeddings.paths.length;
    if (format === 'npy') {
      writeFileWhole(out, embeddingsNpy(embeddings));
      writeFileWhole(npyRowsFile(out), embeddingRowsCsv(embeddings));
      progress.line(
        `wrote ${out} (${rows} × ${embeddings.dim} float32, checkpoint step ${embeddings.checkpointStep}) and its rows to ${npyRowsFile(out)}`,
      );
    } else {
      writeFileWhole(out, embeddingsCsvLines(embeddings));
      progress.line(`wrote ${out} (${rows} images × ${embeddings.dim}, checkpoint step ${embeddings.checkpointStep})`);
    }
    return 0;
  } catch (error) {
    return fail(`embedding dataset ${datasetId} with run ${runId} failed: ${(error as Error).message}`, 1);
  }
}
