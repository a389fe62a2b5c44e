import { join } from 'node:path';
import { completedEvaluation, evaluationScores } from '../eval/run/evaluation-scores.js';
import type { LabDatabase } from '../store/db.js';
import { pairScoresCsv } from './pair-scores-csv.js';
import { embeddingRowsCsv, embeddingsCsvLines, embeddingsNpy, npyRowsFile, runEmbeddings } from './run-embeddings.js';
import { writeFileWhole } from './whole-file.js';

// Exports that need the model again: an evaluation's per-pair scores and embeddings are not stored,
// so they are computed from the checkpoint (in the evaluation process, off the app's main process)
// and written into a folder with the same functions as the CLI's `eval --scores-out` and
// `runs embeddings`; the caller hands the files out.

export type ComputedExportRequest =
  | { kind: 'pair-scores-csv'; evaluationId: number }
  /** The embeddings an evaluation scored: its checkpoint, flip-test and dataset. */
  | { kind: 'evaluation-embeddings'; evaluationId: number; format: 'csv' | 'npy' }
  /** Every image of a dataset under a run's latest checkpoint (or `checkpointStep`). */
  | { kind: 'run-embeddings'; runId: number; datasetId: number; format: 'csv' | 'npy'; checkpointStep?: number };

export interface ComputedFile {
  fileName: string;
  mimeType: string;
}

export type ComputedExportPhase = 'embedding' | 'writing';

export interface ComputedExportOptions {
  signal?: AbortSignal;
  onProgress?: (phase: ComputedExportPhase, done: number, total: number | null) => void;
}

/** Computes the export and writes its files into `folder` (which exists); returns them in download order. */
export async function computeExport(
  db: LabDatabase,
  dataDir: string,
  request: ComputedExportRequest,
  folder: string,
  options: ComputedExportOptions = {},
): Promise<ComputedFile[]> {
  const progress = options.onProgress ?? (() => undefined);
  const embedding = (done: number, total: number) => progress('embedding', done, total);
  const write = (file: ComputedFile, data: string | Uint8Array | Iterable<string>) => {
    writeFileWhole(join(folder, file.fileName), data);
    return file;
  };
  if (request.kind === 'pair-scores-csv') {
    const scored = await evaluationScores(db, dataDir, request.evaluationId, {
      signal: options.signal,
      onProgress: embedding,
    });
    progress('writing', 0, null);
    const { evaluation } = scored;
    const csv = pairScoresCsv({
      db,
      pairListId: evaluation.pairListId,
      scores: scored.scores,
      types: scored.pairTypes,
    });
    return [
      write({ fileName: `evaluation${evaluation.id}-run${evaluation.runId}-scores.csv`, mimeType: 'text/csv' }, csv),
    ];
  }
  let base: string;
  let source: { runId: number; datasetId: number; checkpointStep?: number; flipTest?: boolean };
  if (request.kind === 'evaluation-embeddings') {
    const evaluation = completedEvaluation(db, request.evaluationId);
    base = `evaluation${evaluation.id}-run${evaluation.runId}-embeddings`;
    source = evaluation;
  } else {
    base = `run${request.runId}-dataset${request.datasetId}-embeddings`;
    source = request;
  }
  const embeddings = await runEmbeddings({
    db,
    dataDir,
    runId: source.runId,
    datasetId: source.datasetId,
    checkpointStep: source.checkpointStep,
    flipTest: source.flipTest,
    signal: options.signal,
    onProgress: embedding,
  });
  options.signal?.throwIfAborted();
  progress('writing', 0, null);
  if (request.format === 'csv')
    return [write({ fileName: `${base}.csv`, mimeType: 'text/csv' }, embeddingsCsvLines(embeddings))];
  return [
    write({ fileName: `${base}.npy`, mimeType: 'application/octet-stream' }, embeddingsNpy(embeddings)),
    write({ fileName: npyRowsFile(`${base}.npy`), mimeType: 'text/csv' }, embeddingRowsCsv(embeddings)),
  ];
}

/** The evaluation process's `--export` argument, checked (it comes from the service, as JSON). */
export function parseComputedExportRequest(text: string): ComputedExportRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`--export is not JSON: ${text.slice(0, 80)}`);
  }
  const r = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const whole = (key: string, optional = false) => {
    if (optional && r[key] === undefined) return;
    if (!Number.isInteger(r[key]))
      throw new Error(`--export.${key} is ${JSON.stringify(r[key])}; expected a whole number.`);
  };
  const format = () => {
    if (r.format !== 'csv' && r.format !== 'npy')
      throw new Error(`--export.format is ${JSON.stringify(r.format)}; expected "csv" or "npy".`);
  };
  if (r.kind === 'pair-scores-csv') whole('evaluationId');
  else if (r.kind === 'evaluation-embeddings') {
    whole('evaluationId');
    format();
  } else if (r.kind === 'run-embeddings') {
    whole('runId');
    whole('datasetId');
    whole('checkpointStep', true);
    format();
  } else
    throw new Error(
      `--export.kind is ${JSON.stringify(r.kind)}; expected pair-scores-csv, evaluation-embeddings or run-embeddings.`,
    );
  return r as unknown as ComputedExportRequest;
}
