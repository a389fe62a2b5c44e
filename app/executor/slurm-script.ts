import { defaultWorkerCommand, shellQuote, type SlurmSettings } from './slurm-settings.js';

// The batch script of one submission: one run, or the seeds of one variant as an array job (task
// i works on bundles[i]). The worker's output goes to each bundle's output/worker.log; Slurm's own
// file (errors before the worker starts) beside the bundles in jobs/.

export function slurmScript(
  settings: SlurmSettings,
  job: { name: string; bundles: string[]; logDir: string },
  env: Record<string, string> = {},
): string {
  if (job.bundles.length === 0) throw new Error('a job needs at least one bundle');
  const array = job.bundles.length > 1;
  const directives = [
    `--job-name=${job.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
    `--output=${job.logDir}/slurm-${array ? '%A_%a' : '%j'}.out`,
    '--nodes=1',
    '--ntasks=1',
    ...(array ? [`--array=0-${job.bundles.length - 1}`] : []),
    ...(settings.partition ? [`--partition=${settings.partition}`] : []),
    ...(settings.account ? [`--account=${settings.account}`] : []),
    ...(settings.time ? [`--time=${settings.time}`] : []),
    ...(settings.cpus ? [`--cpus-per-task=${settings.cpus}`] : []),
    ...(settings.memory ? [`--mem=${settings.memory}`] : []),
    ...(settings.gpus ? [`--gpus=${settings.gpus}`] : []),
  ];
  const threads = env.LAB_THREADS ?? (settings.cpus ? String(settings.cpus) : undefined);
  const exports = Object.entries({ ...env, ...(threads ? { LAB_THREADS: threads } : {}) }).map(
    ([name, value]) => `export ${name}=${shellQuote(value)}`,
  );
  return [
    '#!/bin/bash',
    '# Written by DDL Lab (app/executor/slurm-script.ts): one run bundle per task, trained by `ddl-lab worker`.',
    ...directives.map((d) => `#SBATCH ${d}`),
    'set -e',
    ...(settings.setup ?? []),
    ...exports,
    `bundles=(${job.bundles.map(shellQuote).join(' ')})`,
    'bundle="${bundles[${SLURM_ARRAY_TASK_ID:-0}]}"',
    'mkdir -p "$bundle/output"',
    'exec >>"$bundle/output/worker.log" 2>&1',
    `echo "ddl-lab worker: job \${SLURM_JOB_ID} on $(hostname) at $(date -u +%FT%TZ)"`,
    `exec ${settings.command ?? defaultWorkerCommand()} worker "$bundle"`,
    '',
  ].join('\n');
}
