// `ddl-lab experiment run FILE.json | list | show ID`: experiments (variants × seeds of paired
// DDL vs classification-only fine-tunes, app/experiments) from the command line.
import { resolve } from 'node:path';
import { initBackend } from '../../../app/engine/backend.js';
import { experimentView } from '../../../app/experiments/experiment-results.js';
import {
  createExperiment,
  experimentCsv,
  ExperimentSpecError,
  findUnfinishedExperiment,
  listExperiments,
  readExperimentFile,
} from '../../../app/experiments/experiments.js';
import { effectiveSlurmSettings, SlurmSettingsFileError } from '../../../app/executor/slurm-settings-file.js';
import { SlurmSettingsError } from '../../../app/executor/slurm-settings.js';
import { formatExperiment } from '../../../app/experiments/format-experiment.js';
import { ExperimentBusyError, runExperiment } from '../../../app/experiments/run-experiment.js';
import { defaultDataDir, openLabDatabase } from '../../../app/lab/lab.js';
import { RunConfigError } from '../../../app/train/run-config.js';
import { TerminalProgress } from '../../../app/train/terminal-progress.js';
import { progressBar } from '../../../app/train/progress-text.js';
import { commandFailure, parseCommandLine, wholeNumber } from '../command-line.js';
import { didYouMean } from '../did-you-mean.js';

const fail = commandFailure('experiment');

const usage = `Usage: ddl-lab experiment run FILE.json [--new] [--concurrency N] [--executor local|slurm] [--shared-dir DIR] [--json]
       ddl-lab experiment list [--json]
       ddl-lab experiment show ID [--json | --csv]
  run           runs every variant × seed of the file: per seed a stage 1, then per variant a DDL and a
                classification-only fine-tune from it (same batches, same steps), each evaluated on
                held-out identities; running the same file again resumes its unfinished experiment
  --new         start a new experiment even if an unfinished one has the same file
  --concurrency runs at a time (default: from the cores and the backend)
  --executor    where new runs train: local (default) or slurm (batch jobs on run bundles: per seed a
                stage 1, then per variant its fine-tunes over the seeds as array jobs; settings from
                ddl-lab slurm settings); overrides the file's "executor"
  --shared-dir  slurm: the folder the run bundles go to, visible from the nodes (default: slurm settings)
  show          progress, and per variant and metric both arms' mean ± sd and the paired DDL - cls
                difference with its 95% CI and p (Student's t over seeds); --csv the same as CSV
The file format is in docs/experiments.md. Common: --data-dir DIR
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      allowPositionals: true,
      options: {
        new: { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        executor: { type: 'string' },
        'shared-dir': { type: 'string' },
        csv: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [action, target] = positionals;
  if (values.help || !action) {
    (values.help ? process.stdout : process.stderr).write(usage);
    return values.help ? 0 : 2;
  }
  const actions = ['run', 'list', 'show'];
  if (!actions.includes(action)) return fail(`unknown action "${action}".${didYouMean(action, actions)}\n\n${usage}`);
  if (action !== 'list' && !target)
    return fail(`${action} needs ${action === 'run' ? 'an experiment FILE.json' : 'an experiment ID'}.\n\n${usage}`);
  const concurrency = values.concurrency === undefined ? undefined : wholeNumber(values.concurrency, 1, 64);
  if (concurrency === null)
    return fail(`--concurrency must be a whole number from 1 to 64, got "${values.concurrency}"`);
  if (values.executor !== undefined && values.executor !== 'local' && values.executor !== 'slurm')
    return fail(`--executor must be local or slurm, got "${values.executor}"`);
  const executor = values.executor as 'local' | 'slurm' | undefined;
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

  if (action === 'run') {
    let input: unknown;
    try {
      input = readExperimentFile(resolve(target!));
      const db = openLabDatabase(dataDir);
      try {
        const found = values.new ? undefined : findUnfinishedExperiment(db, input, target);
        const experiment = found ?? createExperiment(db, input, target);
        const slurm = values['shared-dir']
          ? { ...effectiveSlurmSettings(dataDir), sharedDir: resolve(values['shared-dir']) }
          : undefined;
        const progress = new TerminalProgress(process.stderr, { plainEvery: 0.25 });
        const backend = await initBackend();
        progress.line(
          `${found ? `resuming experiment ${experiment.id} (${found.status})` : `experiment ${experiment.id}`} "${experiment.name}"; data in ${dataDir}; backend ${backend.name}`,
        );
        const stop = new AbortController();
        const onSignal = () => {
          progress.line(
            'stopping: local runs checkpoint and end interrupted, Slurm jobs go on; run the same command to resume',
          );
          stop.abort();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const final = await runExperiment(db, experiment.id, {
            dataDir,
            concurrency,
            executor,
            slurm,
            signal: stop.signal,
            onPhase: (text) => progress.line(`== ${text}`),
            onProgress: (what, done, total) =>
              progress.update(`${what} ${progressBar(done / total)} ${done}/${total}`, done / total),
            onRunEvent: (event, cell) => {
              if (event.type === 'run.progress')
                progress.update(
                  `seed ${cell.seed} ${cell.variant || 'stage 1'} ${cell.arm} ${event.step}/${event.totalSteps} ${progressBar(event.step / event.totalSteps, 12)}`,
                  event.step / event.totalSteps,
                );
            },
            onCellDone: (cell, r) =>
              progress.line(`done: seed ${cell.seed} ${cell.variant || 'stage 1'} ${cell.arm} (run ${r.id})`),
          });
          const view = experimentView(db, final.id)!;
          if (values.json) print(view);
          else process.stdout.write(formatExperiment(view));
          return final.status === 'completed' ? 0 : 1;
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      } finally {
        db.close();
      }
    } catch (error) {
      if (
        error instanceof ExperimentSpecError ||
        error instanceof ExperimentBusyError ||
        error instanceof SlurmSettingsFileError ||
        error instanceof SlurmSettingsError ||
        error instanceof RunConfigError
      )
        return fail(error.message, 1);
      throw error;
    }
  }

  const db = openLabDatabase(dataDir, { mode: 'read' });
  try {
    if (action === 'list') {
      const all = listExperiments(db).map((e) => {
        const view = experimentView(db, e.id)!;
        return {
          id: e.id,
          name: e.name,
          status: e.status,
          progress: view.progress,
          createdAt: e.createdAt,
          error: e.error,
        };
      });
      if (values.json) print({ experiments: all });
      else
        process.stdout.write(
          all.length === 0
            ? `no experiments in ${dataDir}\n`
            : `${all.map((e) => `${e.id}  ${e.name}  ${e.status}  ${e.progress.done}/${e.progress.total} runs${e.error ? `  (${e.error})` : ''}`).join('\n')}\n`,
        );
      return 0;
    }
    const id = wholeNumber(target!, 1);
    if (id === null) return fail(`ID must be an experiment id (a whole number), got "${target}"`);
    const view = experimentView(db, id);
    if (!view) return fail(`no experiment ${id} in ${dataDir}`, 1);
    if (values.json) print(view);
    else if (values.csv) process.stdout.write(experimentCsv(view));
    else process.stdout.write(formatExperiment(view));
    return 0;
  } finally {
    db.close();
  }
}
