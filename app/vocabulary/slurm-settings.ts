import { shown } from './messages.js';
import { z } from './zod.js';

// The Slurm settings the user controls (the data folder's slurm.json, `ddl-lab slurm settings`,
// the LabApi's slurm.* methods): every field optional. Values are refused in words that name the
// field, the value and what Slurm accepts, before any job script is written.

export const executorNameSchema = z.enum(['local', 'slurm'], {
  error: (iss) => `executor must be "local" or "slurm", got ${shown(iss.input)}`,
});

const slurmName = (field: string) =>
  z.string({ error: (iss) => `${field} must be text, got ${shown(iss.input)}` }).regex(/^[A-Za-z0-9_.,-]+$/, {
    error: (iss) => `${field} takes letters, digits, _ . , - only, got ${shown(iss.input)}`,
  });

const count = (field: string, min: number) =>
  z
    .number({ error: (iss) => `${field} must be a number, got ${shown(iss.input)}` })
    .int({ error: (iss) => `${field} must be a whole number, got ${shown(iss.input)}` })
    .min(min, { error: (iss) => `${field} must be at least ${min}, got ${shown(iss.input)}` })
    .max(4096, { error: (iss) => `${field} must be at most 4096, got ${shown(iss.input)}` });

export const slurmSettingsSchema = z.strictObject({
  /** The folder the run bundles go to; nodes must see it at the same path (default: the data folder's bundles/). */
  sharedDir: z
    .string({ error: (iss) => `sharedDir must be a folder path, got ${shown(iss.input)}` })
    .regex(/^\//, { error: (iss) => `sharedDir must be an absolute path, got ${shown(iss.input)}` })
    .optional(),
  partition: slurmName('partition').optional(),
  account: slurmName('account').optional(),
  /** Time limit as Slurm takes it: minutes, HH:MM:SS, D-HH:MM:SS. */
  time: z
    .string({ error: (iss) => `time must be text, got ${shown(iss.input)}` })
    .regex(/^(\d+|\d+:\d{2}(:\d{2})?|\d+-\d{1,2}(:\d{2}(:\d{2})?)?)$/, {
      error: (iss) => `time must be minutes, HH:MM:SS or D-HH:MM:SS, got ${shown(iss.input)}`,
    })
    .optional(),
  cpus: count('cpus', 1).optional(),
  /** Memory per node as Slurm takes it: 8G, 16000M. */
  memory: z
    .string({ error: (iss) => `memory must be text, got ${shown(iss.input)}` })
    .regex(/^\d+[KMGT]?$/i, {
      error: (iss) => `memory must be a number with an optional K, M, G or T (e.g. 8G), got ${shown(iss.input)}`,
    })
    .optional(),
  gpus: count('gpus', 0).optional(),
  /** Lines the job runs before the worker: `module load nodejs/20`, `source ~/venv/bin/activate`. */
  setup: z
    .array(
      z
        .string({ error: (iss) => `setup lines must be text, got ${shown(iss.input)}` })
        .refine((line) => !/[\r\n]/.test(line), { error: 'setup: one command per line, without line breaks' }),
      { error: (iss) => `setup must be a list of lines, got ${shown(iss.input)}` },
    )
    .max(100)
    .optional(),
  /** How a node starts the lab's command line (default: this Node and this checkout's bin/ddl-lab.js). */
  command: z
    .string({ error: (iss) => `command must be text, got ${shown(iss.input)}` })
    .min(1, { error: 'command must not be empty (leave it out for the default)' })
    .optional(),
  /** Seconds between the lab's looks at a job (default 5). */
  pollSeconds: z
    .number({ error: (iss) => `pollSeconds must be a number, got ${shown(iss.input)}` })
    .min(0.1, { error: (iss) => `pollSeconds must be at least 0.1, got ${shown(iss.input)}` })
    .max(3600, { error: (iss) => `pollSeconds must be at most 3600, got ${shown(iss.input)}` })
    .optional(),
});
export type SlurmSettingsInput = z.output<typeof slurmSettingsSchema>;

/** The fields a user sets, in the order they are shown. */
export const slurmSettingFields = [
  'sharedDir',
  'partition',
  'account',
  'time',
  'cpus',
  'memory',
  'gpus',
  'setup',
  'command',
  'pollSeconds',
] as const satisfies readonly (keyof SlurmSettingsInput)[];
export type SlurmSettingField = (typeof slurmSettingFields)[number];
