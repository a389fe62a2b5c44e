import { execFile } from 'node:child_process';

// The Slurm command-line tools the executor uses, and nothing else: sbatch to submit, squeue for
// live jobs, scontrol for recently finished ones, sacct where accounting is configured, scancel.
// A missing tool or an unreachable controller is an error naming the command and what to do.

export interface SlurmCommands {
  /** Submits a batch script; returns the job id (array jobs: the array's id). */
  submit(scriptFile: string, cwd: string): Promise<string>;
  /** The state of each job id (`123` or `123_4`); GONE when no tool knows it any more. */
  states(jobIds: string[]): Promise<Map<string, string>>;
  cancel(jobId: string, signal?: string): Promise<void>;
}

export class SlurmCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlurmCommandError';
  }
}

function run(command: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      reject(
        new SlurmCommandError(
          code === 'ENOENT'
            ? `${command} is not installed or not on PATH; the slurm executor needs Slurm's client tools (on this machine, or start the local one with npm run slurm:local)`
            : `${command} ${args.join(' ')} failed: ${(stderr || error.message).trim()}${/contact slurm controller|slurm\.conf|Zero Bytes|munge/i.test(stderr) ? ' (is Slurm running? To try it on this machine: npm run slurm:local)' : ''}`,
        ),
      );
    });
  });
}

export const slurmCommands: SlurmCommands = {
  async submit(scriptFile, cwd) {
    const out = (await run('sbatch', ['--parsable', scriptFile], cwd)).trim();
    const id = out.split(';')[0]!.trim();
    if (!/^\d+$/.test(id)) throw new SlurmCommandError(`sbatch answered "${out}", not a job id`);
    return id;
  },

  async states(jobIds) {
    const states = new Map<string, string>();
    if (jobIds.length === 0) return states;
    const wanted = new Set(jobIds);
    // squeue -r lists each array task as 123_4, pending ones included.
    for (const line of (await run('squeue', ['-h', '-r', '-o', '%i|%T'])).split('\n')) {
      const [id, state] = line.trim().split('|');
      if (id && state && wanted.has(id)) states.set(id, state);
    }
    for (const id of jobIds) {
      if (states.has(id)) continue;
      states.set(id, (await finishedState(id)) ?? 'GONE');
    }
    return states;
  },

  async cancel(jobId, signal) {
    await run('scancel', signal ? [`--signal=${signal}`, jobId] : [jobId]);
  },
};

/** A job squeue no longer lists: scontrol remembers it for MinJobAge, sacct for good where accounting exists. */
async function finishedState(id: string): Promise<string | undefined> {
  try {
    const match = /JobState=(\S+)/.exec(await run('scontrol', ['show', 'job', '-o', id]));
    if (match) return match[1];
  } catch {
    /* not known to the controller any more */
  }
  try {
    const line = (await run('sacct', ['-n', '-P', '-X', '-j', id, '-o', 'JobID,State'])).trim().split('\n')[0];
    const state = line?.split('|')[1]?.split(' ')[0];
    if (state) return state;
  } catch {
    /* no accounting storage on this cluster */
  }
  return undefined;
}
