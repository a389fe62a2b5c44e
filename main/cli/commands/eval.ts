// `ddl-lab eval RUN --pairs ID [--flip] [--threshold T] [--step S] [--json] [--data-dir D]`: evaluates
// a run's checkpoint on a pair list, stores the evaluation (failures and per-image hardness included)
// and prints every metric overall and per pair type. The work is in app/eval/run.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  EvaluationRequestError,
  evaluateRun,
  evaluationFailures,
  formatEvaluation,
} from '../../../app/lab/evaluations.js';
import { defaultDataDir, LabOperationError, openLabDatabase, type Lab } from '../../../app/lab/lab.js';
import { resolveRunRef } from '../../../app/lab/refs.js';
import { progressBar } from '../../../app/train/progress-text.js';
import { TerminalProgress } from '../../../app/train/terminal-progress.js';
import { commandFailure, parseCommandLine, wholeNumber } from '../command-line.js';
import { runEvalExport } from '../eval-export.js';
import { writeScoresFile } from '../scores-out.js';

const fail = commandFailure('eval');

const usage = `Usage: ddl-lab eval RUN --pairs ID [--flip] [--threshold T] [--far F] [--step S] [--split ID]
                    [--failures N] [--scores-out FILE] [--json] [--data-dir DIR]
  RUN            run id or name ("ddl-lab runs list")
  --pairs ID     pair list id ("ddl-lab dataset show DATASET" lists a dataset's pair lists)
  --flip         flip-test: each image embedded as the sum of its and its mirror's embeddings
  --threshold T  failures at this cosine threshold (default: the threshold of FAR --far on all pairs)
  --far F        FAR that chooses the failure threshold (default 0.01)
  --step S       evaluate the run's checkpoint at step S (default: its latest)
  --split ID     easy/hard images from this split of the pair list's dataset
                 (default: the run's split on its own dataset, else the list's pair types)
  --failures N   failing pairs listed per kind (default 5; with --json, the N worst with images)
  --scores-out FILE  per-pair scores as CSV path1,path2,label,type,score ("ddl-lab metrics --scores FILE" reads it)
  --json         the stored evaluation as JSON on stdout (progress goes to stderr)
The evaluation is stored in the data directory with its failures and per-image hardness.
       ddl-lab eval export EVALUATION --format json|csv|failures-csv [--out FILE]   ("eval export --help")
`;

/** An optional whole-number flag: undefined when absent, null when not a whole number ≥ min. */
const optionalWhole = (text: string | undefined, min = 0): number | null | undefined =>
  text === undefined ? undefined : wholeNumber(text, min);

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'export') return runEvalExport(args.slice(1));
  const parsed = parseCommandLine(
    {
      args,
      allowPositionals: true,
      options: {
        pairs: { type: 'string' },
        flip: { type: 'boolean', default: false },
        threshold: { type: 'string' },
        far: { type: 'string' },
        step: { type: 'string' },
        split: { type: 'string' },
        failures: { type: 'string', default: '5' },
        'scores-out': { type: 'string' },
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (positionals.length !== 1) return fail(`give one run id, e.g. "ddl-lab eval 3 --pairs 1".\n\n${usage}`, 2);
  const runText = positionals[0]!;
  let runId = /^\d+$/.test(runText) ? Number(runText) : undefined; // else a name, looked up once the lab is open
  const pairListId = optionalWhole(values.pairs, 1);
  if (pairListId === undefined)
    return fail(
      `--pairs ID is required: the pair list to evaluate on ("ddl-lab dataset show DATASET" lists them).\n\n${usage}`,
      2,
    );
  if (pairListId === null) return fail(`--pairs must be a pair list id (a whole number), got "${values.pairs}".`, 2);
  const checkpointStep = optionalWhole(values.step);
  if (checkpointStep === null)
    return fail(`--step must be a whole number (a checkpoint step), got "${values.step}".`, 2);
  const splitId = optionalWhole(values.split, 1);
  if (splitId === null) return fail(`--split must be a split id (a whole number), got "${values.split}".`, 2);
  const shown = optionalWhole(values.failures);
  if (shown === null || shown === undefined)
    return fail(`--failures must be a whole number ≥ 0, got "${values.failures}".`, 2);
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold >= -1 && threshold <= 1)) {
    return fail(`--threshold must be a cosine between -1 and 1, got "${values.threshold}".`, 2);
  }
  const far = values.far === undefined ? undefined : Number(values.far);
  if (far !== undefined && !(far > 0 && far < 1))
    return fail(`--far must be a rate between 0 and 1 (e.g. 0.01), got "${values.far}".`, 2);

  const scoresOut = values['scores-out'];
  if (scoresOut !== undefined && !existsSync(dirname(resolve(scoresOut))))
    return fail(`--scores-out ${scoresOut}: the folder ${dirname(resolve(scoresOut))} does not exist.`, 2);

  const dataDir = values['data-dir'] ?? defaultDataDir();
  const progress = new TerminalProgress(process.stderr, { plainEvery: 0.5 });
  const db = openLabDatabase(dataDir);
  const lab: Lab = { db, dataDir };
  try {
    runId ??= resolveRunRef(lab, runText);
    const result = await evaluateRun(lab, {
      runId,
      pairListId,
      flipTest: values.flip,
      threshold,
      far,
      checkpointStep,
      splitId,
      onProgress: (phase, done, total) => {
        if (phase === 'embedding' && total)
          progress.update(`embedding ${progressBar(done / total)} ${done}/${total} images`, done / total);
      },
    });
    progress.line(`stored evaluation ${result.evaluation.id} in ${dataDir}`);
    if (scoresOut !== undefined) {
      const written = writeScoresFile(db, pairListId, result, scoresOut);
      if (written !== null) return fail(written, 1);
      progress.line(`wrote ${result.scores.length} pair scores to ${scoresOut}`);
    }
    if (values.json) {
      const worst = evaluationFailures(lab, result.evaluation.id, { limit: shown, attributes: true });
      process.stdout.write(
        `${JSON.stringify({ evaluation: result.evaluation, failures: { note: result.failureNote, ...worst } }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(formatEvaluation(lab, result.evaluation, result.failures, { failuresShown: shown }));
      if (result.failureNote) process.stdout.write(`No failures mined: ${result.failureNote}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof EvaluationRequestError || error instanceof LabOperationError) return fail(error.message, 1);
    return fail(`evaluating run ${runId ?? runText} on pair list ${pairListId} failed: ${(error as Error).message}`, 1);
  } finally {
    db.close();
  }
}
