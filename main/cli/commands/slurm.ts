// `ddl-lab slurm status|import|cancel|resume RUN`: the runs the slurm executor submitted. Status and
// import look at the job (squeue/scontrol/sacct) and import its bundle into the lab (an in-progress
// run too; importing again changes nothing); cancel asks the job to checkpoint and stop (scancel);
// resume resubmits the bundle of an interrupted, cancelled or failed run, which continues from its
// last checkpoint. `status` without RUN refreshes every Slurm run still queued or running.
// `settings` shows or changes the data folder's slurm.json (what every job script is made from).
import { importBundle } from '../../../app/executor/bundle-import.js';
import {
  applySettingChanges,
  defaultSharedDir,
  effectiveSlurmSettings,
  parseSettingAssignment,
  readSlurmSettingsFile,
  slurmSettingsPath,
  SlurmSettingsFileError,
  writeSlurmSettingsFile,
} from '../../../app/executor/slurm-settings-file.js';
import {
  cancelSlurmRun,
  getRunExecution,
  getRunRecord,
  listExternalRunsInFlight,
  refreshSlurmRun,
  resumeSlurmRun,
  SlurmExecutor,
  type RunRecord,
} from '../../../app/executor/slurm-executor.js';
import { defaultDataDir, LabOperationError, openLabDatabase, type Lab } from '../../../app/lab/lab.js';
import { resolveRunRef } from '../../../app/lab/refs.js';
import { describeRun } from '../../../app/train/progress-text.js';
import { commandFailure, parseCommandLine } from '../command-line.js';
import { didYouMean } from '../did-you-mean.js';

const fail = commandFailure('slurm');
const actions = ['status', 'import', 'cancel', 'resume', 'follow', 'settings'];

const usage = `Usage: ddl-lab slurm status [RUN] [--json]   the job's state, with the bundle imported (all in-flight runs without RUN)
       ddl-lab slurm import RUN [--json]     import the run's bundle now (finished or in progress; idempotent)
       ddl-lab slurm cancel RUN              checkpoint and stop the job (scancel)
       ddl-lab slurm resume RUN              resubmit the bundle; it continues from its last checkpoint
       ddl-lab slurm follow                  wait for every in-flight Slurm run, importing as they go
       ddl-lab slurm settings [--json]       the Slurm settings (the data folder's slurm.json)
       ddl-lab slurm settings --set FIELD=VALUE ... [--unset FIELD ...]
                                             change them: sharedDir, partition, account, time (minutes,
                                             HH:MM:SS, D-HH:MM:SS), cpus, memory (8G), gpus, setup (a line
                                             the job runs first, e.g. "module load nodejs/20"; several
                                             --set setup=... make the list), command, pollSeconds;
                                             FIELD= (empty) or --unset FIELD goes back to the default
Runs go to Slurm with --executor slurm (ddl-lab experiment run FILE.json, ddl-lab demo). RUN is an id or a name.
Common: --data-dir DIR
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        set: { type: 'string', multiple: true },
        unset: { type: 'string', multiple: true },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [action, ref] = positionals;
  if (values.help || !action) {
    (values.help ? process.stdout : process.stderr).write(usage);
    return values.help ? 0 : 2;
  }
  if (!actions.includes(action)) return fail(`unknown action "${action}".${didYouMean(action, actions)}\n\n${usage}`);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  if (action === 'settings') return settings(dataDir, values.set ?? [], values.unset ?? [], values.json);
  if (values.set || values.unset) return fail(`--set and --unset belong to ddl-lab slurm settings.\n\n${usage}`);
  const db = openLabDatabase(dataDir);
  const lab: Lab = { db, dataDir };
  const report = (runs: RunRecord[]) => {
    if (values.json)
      process.stdout.write(
        `${JSON.stringify({ runs: runs.map((r) => ({ ...r, ...getRunExecution(db, r.id) })) }, null, 2)}\n`,
      );
    else
      for (const r of runs) {
        const e = getRunExecution(db, r.id);
        process.stdout.write(`${describeRun(r)}  [Slurm ${e?.jobId ?? '—'} ${e?.jobState ?? '—'}]\n`);
      }
  };
  try {
    if (action === 'follow') {
      const jobs = new SlurmExecutor(db, dataDir, effectiveSlurmSettings(dataDir)).followAll();
      report(await Promise.all(jobs.map((j) => j.done)));
      return 0;
    }
    if (!ref && action === 'status') {
      const runs: RunRecord[] = [];
      for (const { runId } of listExternalRunsInFlight(db, 'slurm'))
        runs.push(await refreshSlurmRun(db, dataDir, runId));
      report(runs);
      return 0;
    }
    if (!ref) return fail(`${action} needs a RUN (id or name).\n\n${usage}`);
    const id = resolveRunRef(lab, ref);
    const execution = getRunExecution(db, id);
    if (execution?.executor !== 'slurm' || !execution.bundleDir)
      return fail(
        `run ${id} is not a Slurm run (its executor is ${execution?.executor ?? 'local'}); see ddl-lab runs`,
        1,
      );
    switch (action) {
      case 'status':
        report([await refreshSlurmRun(db, dataDir, id)]);
        return 0;
      case 'import': {
        const inFlight = ['queued', 'running'].includes(getRunRecord(db, id)!.status);
        if (inFlight) await refreshSlurmRun(db, dataDir, id);
        else importBundle(db, dataDir, id, execution.bundleDir);
        report([getRunRecord(db, id)!]);
        return 0;
      }
      case 'cancel':
        await cancelSlurmRun(db, id);
        report([await refreshSlurmRun(db, dataDir, id)]);
        return 0;
      default:
        await resumeSlurmRun(db, id);
        report([getRunRecord(db, id)!]);
        return 0;
    }
  } catch (error) {
    if (error instanceof LabOperationError || error instanceof Error) return fail(error.message, 1); // Slurm, bundle or ref problems
    throw error;
  } finally {
    db.close();
  }
}

const defaults = {
  partition: "(the cluster's default)",
  account: "(the cluster's default)",
  time: "(the partition's default)",
  cpus: '(1)',
  memory: "(the cluster's default)",
  gpus: '(none)',
  setup: '(none)',
  command: "(this lab's Node and bin/ddl-lab.js)",
  pollSeconds: '(5)',
};

/** Shows the data folder's slurm.json, after the command line's changes (written only when every value is good). */
function settings(dataDir: string, set: string[], unset: string[], json: boolean): number {
  try {
    let stored = readSlurmSettingsFile(dataDir);
    if (set.length > 0 || unset.length > 0)
      stored = writeSlurmSettingsFile(dataDir, applySettingChanges(stored, set.map(parseSettingAssignment), unset));
    const file = slurmSettingsPath(dataDir);
    const sharedDir = stored.sharedDir ?? defaultSharedDir(dataDir);
    if (json) {
      process.stdout.write(`${JSON.stringify({ file, settings: stored, sharedDir }, null, 2)}\n`);
      return 0;
    }
    const shown = (value: unknown) => (Array.isArray(value) ? value.join('\n              ') : String(value));
    const lines = [
      `Slurm settings (${file}${Object.keys(stored).length === 0 ? ', not written yet: all defaults' : ''})`,
      `  sharedDir   ${sharedDir}${stored.sharedDir ? '' : ' (default)'}`,
      ...(['partition', 'account', 'time', 'cpus', 'memory', 'gpus', 'setup', 'command', 'pollSeconds'] as const).map(
        (field) => `  ${field.padEnd(11)} ${stored[field] === undefined ? defaults[field] : shown(stored[field])}`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    if (error instanceof SlurmSettingsFileError) return fail(error.message, 1);
    throw error;
  }
}
