import { runEvaluationWorker, type EvaluationWorkerOptions } from '../eval/run/index.js';
import type { ComputedExportRequest, ComputedFile } from './computed-export.js';

// The parent's side of a computed export: the evaluation process (app/eval/run's eval-worker,
// through the shell's launcher) runs computeExport into `folder`; this relays progress and settles
// with the files it wrote, or the reason it could not (cancel: EvaluationCancelledError).

export interface ExportProcessOptions extends Omit<EvaluationWorkerOptions, 'args' | 'produces'> {
  request: ComputedExportRequest;
  /** An existing folder the files are written into. */
  folder: string;
}

export function runExportProcess(options: ExportProcessOptions): Promise<ComputedFile[]> {
  const { request, folder, ...rest } = options;
  return runEvaluationWorker(
    { ...rest, args: ['--export', JSON.stringify(request), '--folder', folder], produces: 'wrote the export' },
    (message) => (message.type === 'export.done' ? message.files : undefined),
  );
}
