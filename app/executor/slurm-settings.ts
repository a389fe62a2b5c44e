import { fileURLToPath } from 'node:url';

// What the user controls about the Slurm jobs the lab submits. Every field is optional except
// the shared folder the bundles go to (a folder the lab and the nodes both see, e.g. on NFS).

export interface SlurmSettings {
  /** Where bundles are written: `<sharedDir>/run-<id>-<lab>/` (must be visible from the nodes at the same path). */
  sharedDir: string;
  partition?: string;
  account?: string;
  /** Time limit as Slurm takes it: minutes, `HH:MM:SS`, `D-HH:MM:SS`. */
  time?: string;
  cpus?: number;
  /** Memory per node as Slurm takes it: `4G`, `16000M`. */
  memory?: string;
  gpus?: number;
  /** Lines run before the worker (`module load nodejs/20`, `export LAB_BACKEND=...`, `source venv`). */
  setup?: string[];
  /** How the node starts the lab's command line (default: this Node binary and this checkout's bin/ddl-lab.js). */
  command?: string;
  /** Seconds between status polls while the lab follows a job (default 5). */
  pollSeconds?: number;
}

export class SlurmSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlurmSettingsError';
  }
}

const timePattern = /^(\d+|\d+:\d{2}(:\d{2})?|\d+-\d{1,2}(:\d{2}(:\d{2})?)?)$/;
const memoryPattern = /^\d+[KMGT]?$/i;
const namePattern = /^[A-Za-z0-9_.,-]+$/;

/** Throws SlurmSettingsError naming the field, the value and what Slurm accepts. */
export function checkSlurmSettings(settings: SlurmSettings): SlurmSettings {
  const problems: string[] = [];
  if (!settings.sharedDir) problems.push('sharedDir: name the folder the bundles go to (visible from the nodes)');
  if (settings.partition !== undefined && !namePattern.test(settings.partition))
    problems.push(`partition "${settings.partition}": letters, digits, _ . , - only`);
  if (settings.account !== undefined && !namePattern.test(settings.account))
    problems.push(`account "${settings.account}": letters, digits, _ . , - only`);
  if (settings.time !== undefined && !timePattern.test(settings.time))
    problems.push(`time "${settings.time}": minutes, HH:MM:SS or D-HH:MM:SS`);
  if (settings.memory !== undefined && !memoryPattern.test(settings.memory))
    problems.push(`memory "${settings.memory}": a number with an optional K, M, G or T (e.g. 8G)`);
  for (const field of ['cpus', 'gpus'] as const) {
    const value = settings[field];
    if (value !== undefined && (!Number.isInteger(value) || value < (field === 'gpus' ? 0 : 1)))
      problems.push(`${field} ${value}: a whole number${field === 'gpus' ? '' : ' from 1'}`);
  }
  for (const line of settings.setup ?? [])
    if (line.includes('\n')) problems.push(`setup line "${line}": one command per line, without line breaks`);
  if (problems.length > 0) throw new SlurmSettingsError(`Slurm settings: ${problems.join('; ')}.`);
  return settings;
}

/** The command that runs `ddl-lab` on a node by default: the same Node and checkout as the lab. */
export function defaultWorkerCommand(): string {
  const cli = fileURLToPath(new URL('../../bin/ddl-lab.js', import.meta.url));
  return `${shellQuote(process.execPath)} ${shellQuote(cli)}`;
}

export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
