import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LabApiError, type ExportFile } from '../contract/index.js';
import { completedEvaluation, EvaluationRequestError, resolveEvaluationTarget } from '../../eval/run/index.js';
import { runExportProcess, type ComputedExportRequest, type ComputedFile } from '../../export/index.js';
import { getDataset } from '../../store/datasets-repo.js';
import { getEvaluation } from '../../store/evaluations-repo.js';
import { getPairList } from '../../store/pairs-repo.js';
import { latestCheckpoint, listCheckpoints } from '../../store/runs-checkpoints.js';
import { getRunRecord } from '../../store/runs-repository.js';
import type { HandlersOf, ServiceContext } from './context.js';
import { requestErrorCodes } from './evaluation-handlers.js';
import { dbId } from './ids.js';

// exports.compute / exports.computed: exports that need the model again (an evaluation's per-pair
// scores, embeddings) run as a job in the evaluation process (app/export's runExportProcess, through
// the shell's evaluation launcher), never in the app's main process. The files wait in
// DATA/tmp/exports/<exportId>/ for the last few exports of this session, and are removed when
// the service closes (folders a crashed session left are removed a day later).

/** Exports of this session whose files are kept for download. */
const keptExports = 4;
/** What one download may hold; a larger export is for the command line, which writes a file. */
export const maxComputedExportBytes = 256 * 1024 * 1024;
const staleMs = 24 * 3600 * 1000;

type Method = 'exports.compute' | 'exports.computed';

interface Kept {
  folder: string;
  files: ComputedFile[];
}

const capitalised = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;

export class ComputedExports {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly context: ServiceContext) {}

  private get root(): string {
    return join(this.context.options.dataDir, 'tmp', 'exports');
  }

  /** Refuses now what the job would refuse: unknown or unfinished evaluation, run, dataset, checkpoint. */
  private check(request: ComputedExportRequest): void {
    const db = this.context.db();
    const dataDir = this.context.options.dataDir;
    try {
      if (request.kind === 'run-embeddings') {
        if (!getDataset(db, request.datasetId))
          throw new LabApiError('not_found', `No dataset with id "${request.datasetId}".`, 'datasetId');
        if (!getRunRecord(db, request.runId))
          throw new LabApiError('not_found', `No run with id "${request.runId}". runs.list shows the runs there are.`);
        const step = request.checkpointStep;
        const checkpoint =
          step === undefined
            ? latestCheckpoint(db, request.runId)
            : listCheckpoints(db, request.runId).find((c) => c.step === step);
        if (!checkpoint)
          throw new LabApiError(
            step === undefined ? 'conflict' : 'not_found',
            step === undefined
              ? `Run ${request.runId} has no checkpoint yet; wait until it has trained for a while (or finished).`
              : `Run ${request.runId} has no checkpoint at step ${step}; runs.get lists its checkpoints.`,
          );
        return;
      }
      if (!getEvaluation(db, request.evaluationId))
        throw new LabApiError(
          'not_found',
          `No evaluation with id "${request.evaluationId}"; evaluations.list shows them.`,
          'evaluationId',
        );
      const evaluation = completedEvaluation(db, request.evaluationId);
      if (!getPairList(db, evaluation.pairListId))
        throw new LabApiError('conflict', `Evaluation ${evaluation.id}'s pair list has been deleted since.`);
      resolveEvaluationTarget(db, { dataDir, ...evaluation });
    } catch (error) {
      if (error instanceof LabApiError) throw error;
      if (error instanceof EvaluationRequestError) {
        throw new LabApiError(requestErrorCodes[error.problem], capitalised(error.message));
      }
      throw new LabApiError('conflict', capitalised((error as Error).message));
    }
  }

  private sweepStale(): void {
    let entries: string[] = [];
    try {
      entries = readdirSync(this.root);
    } catch {
      return;
    }
    const now = Date.now();
    for (const name of entries) {
      const folder = join(this.root, name);
      if (this.kept.has(name)) continue;
      try {
        if (now - statSync(folder).mtimeMs > staleMs) rmSync(folder, { recursive: true, force: true });
      } catch {
        /* gone already */
      }
    }
  }

  private keep(exportId: string, entry: Kept): void {
    this.kept.set(exportId, entry);
    while (this.kept.size > keptExports) {
      const [oldest, { folder }] = this.kept.entries().next().value as [string, Kept];
      rmSync(folder, { recursive: true, force: true });
      this.kept.delete(oldest);
    }
  }

  /** Removes every kept export's files (service close). */
  clear(): void {
    for (const { folder } of this.kept.values()) rmSync(folder, { recursive: true, force: true });
    this.kept.clear();
  }

  handlers(): Pick<HandlersOf<'exports'>, Method> {
    const { context } = this;
    return {
      'exports.compute': async (params) => {
        const request: ComputedExportRequest =
          params.kind === 'run-embeddings'
            ? {
                kind: 'run-embeddings',
                runId: dbId(params.runId, 'run'),
                datasetId: dbId(params.datasetId, 'dataset'),
                format: params.format,
                checkpointStep: params.checkpointStep,
              }
            : params.kind === 'evaluation-embeddings'
              ? { kind: params.kind, evaluationId: dbId(params.evaluationId, 'evaluation'), format: params.format }
              : { kind: params.kind, evaluationId: dbId(params.evaluationId, 'evaluation') };
        this.check(request);
        this.sweepStale();
        mkdirSync(this.root, { recursive: true });
        const folder = mkdtempSync(join(this.root, 'export-'));
        const exportId = basename(folder);
        const job = context.jobs.start('export', async ({ signal, progress }) => {
          try {
            const files = await runExportProcess({
              dataDir: context.options.dataDir,
              request,
              folder,
              launcher: context.options.evaluationLauncher,
              signal,
              onProgress: progress,
            });
            this.keep(exportId, { folder, files });
            return { exportId };
          } catch (error) {
            rmSync(folder, { recursive: true, force: true });
            throw error;
          }
        });
        return { jobId: job.id };
      },

      'exports.computed': async ({ exportId }) => {
        const entry = this.kept.get(exportId);
        if (!entry)
          throw new LabApiError(
            'not_found',
            `No computed export "${exportId}" in this session (the last ${keptExports} are kept); compute it again.`,
            'exportId',
          );
        const paths = entry.files.map((file) => join(entry.folder, file.fileName));
        const bytes = paths.reduce((sum, path) => sum + statSync(path).size, 0);
        if (bytes > maxComputedExportBytes)
          throw new LabApiError(
            'conflict',
            `This export is ${Math.round(bytes / 1024 / 1024)} MB, more than a download here holds (${maxComputedExportBytes / 1024 / 1024} MB); write it with the command line ("ddl-lab runs embeddings RUN --dataset ID --format npy --out FILE", "ddl-lab eval RUN --pairs ID --scores-out FILE").`,
          );
        const files: ExportFile[] = entry.files.map((file, k) => {
          const data = readFileSync(paths[k]!);
          return file.mimeType.startsWith('text/')
            ? { ...file, content: data.toString('utf8') }
            : { ...file, content: data.toString('base64'), encoding: 'base64' };
        });
        return { files };
      },
    };
  }
}
