// `ddl-lab train --dataset ID --split ID --config FILE.json [--resume RUN] [--data-dir D] [--json]`:
// one training run in its own process, followed in the foreground. Ctrl-C cancels gracefully
// (the run checkpoints and can be resumed); a second Ctrl-C stops it at once.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultDataDir, LabOperationError, openLabDatabase, type Lab } from '../../../app/lab/lab.js';
import { resolveDatasetRef, resolveRunRef, resolveSplitRef } from '../../../app/lab/refs.js';
import { openRunManager, runLatestMetrics, RunStateError } from '../../../app/lab/runs.js';
import { describeProgress, describeRun } from '../../../app/train/progress-text.js';
import { runConfigSchemaFile, startingRunConfig } from '../../../app/train/run-config-file.js';
import { RunConfigError } from '../../../app/train/run-config.js';
import type { RunHandle } from '../../../app/train/run-supervisor.js';
import { TerminalProgress } from '../../../app/train/terminal-progress.js';
import { projectRoot } from '../../project-root.js';
import { commandFailure, parseCommandLine } from '../command-line.js';

const fail = commandFailure('train');

const usage = `Usage: ddl-lab train --dataset DATASET --split SPLIT --config FILE.json [--name NAME] [--data-dir DIR] [--json]
       ddl-lab train --resume RUN [--data-dir DIR] [--json]
       ddl-lab train --init FILE.json   writes a commented starting config (never over an existing file)
Trains one run (stage 1 or 2, as its config says) in its own process and follows it.
DATASET, SPLIT and RUN are an id or a name.
Exit code: 0 completed, 1 failed or interrupted, 2 bad arguments or config, 3 cancelled.
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      options: {
        dataset: { type: 'string' },
        split: { type: 'string' },
        config: { type: 'string' },
        name: { type: 'string' },
        resume: { type: 'string' },
        init: { type: 'string' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (values.init !== undefined) return writeStartingConfig(values.init);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const db = openLabDatabase(dataDir);
  const lab: Lab = { db, dataDir };
  try {
    const manager = openRunManager(lab);
    let handle: RunHandle;
    try {
      if (values.resume) {
        handle = manager.resume(resolveRunRef(lab, values.resume));
      } else {
        if (!values.dataset || !values.split || !values.config)
          return fail(`--dataset, --split and --config are required (or --resume RUN)\n\n${usage}`);
        const datasetId = resolveDatasetRef(lab, values.dataset);
        const splitId = resolveSplitRef(lab, datasetId, values.split);
        let config: unknown;
        try {
          config = JSON.parse(readFileSync(values.config, 'utf8'));
        } catch (error) {
          return fail(
            `cannot read the config ${values.config}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        handle = manager.createAndStart({ datasetId, splitId, config, name: values.name });
      }
    } catch (error) {
      if (error instanceof RunConfigError)
        return fail(`the run config has problems:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
      if (error instanceof RunStateError || error instanceof LabOperationError) return fail(error.message);
      throw error;
    }

    const progress = new TerminalProgress(process.stderr);
    progress.line(`run ${handle.runId} started (process ${handle.pid}); data in ${dataDir}`);
    manager.subscribe((event) => {
      if (event.type === 'run.progress') progress.update(describeProgress(event), event.step / event.totalSteps);
      else if (event.type === 'run.status' && event.status === 'running')
        progress.line(
          `run ${event.runId} running on ${event.backend}${event.step > 0 ? `, resuming after step ${event.step}` : ''}`,
        );
      else if (event.type === 'run.log') progress.line(event.message);
    });
    let interrupts = 0;
    const onInterrupt = () => {
      interrupts += 1;
      progress.line(interrupts === 1 ? 'cancelling after this step (Ctrl-C again to stop at once)...' : 'stopping now');
      void handle.cancel({ graceMs: interrupts === 1 ? 60_000 : 0 });
    };
    process.on('SIGINT', onInterrupt);
    const final = await handle.done;
    process.off('SIGINT', onInterrupt);

    const latest = runLatestMetrics(lab, final.id);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ run: manager.get(final.id), latestMetrics: latest }, null, 2)}\n`);
    } else {
      progress.line(describeRun(final, latest));
    }
    return final.status === 'completed' ? 0 : final.status === 'cancelled' ? 3 : 1;
  } finally {
    db.close();
  }
}

/** `--init FILE`: a starting config whose "$schema" points at the shipped schema, for editor completion. */
function writeStartingConfig(file: string): number {
  const schemaUrl = pathToFileURL(join(projectRoot(), runConfigSchemaFile)).href;
  try {
    writeFileSync(file, `${JSON.stringify(startingRunConfig(schemaUrl), null, 2)}\n`, { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(
      code === 'EEXIST'
        ? `${file} already exists; give --init a new file name (nothing was written).`
        : `cannot write ${file}: ${(error as Error).message}`,
      1,
    );
  }
  process.stdout.write(
    `wrote ${file}; edit it, then: ddl-lab train --dataset DATASET --split SPLIT --config ${file}\n`,
  );
  return 0;
}
