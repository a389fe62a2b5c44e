import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  slurmSettingFields,
  slurmSettingsSchema,
  type SlurmSettingField,
  type SlurmSettingsInput,
} from '../vocabulary/index.js';
import { writeFileAtomic } from './bundle-layout.js';
import type { SlurmSettings } from './slurm-settings.js';

// The data folder's slurm.json: the Slurm settings the user controls (partition, account, time,
// CPUs, memory, GPUs, setup lines, the shared folder). Every Slurm submission of the lab (the
// demo, experiments, the app) reads it; a bad value is refused naming the file, the field and the
// value, and a missing file means "all defaults" (bundles in the data folder's bundles/).

export const slurmSettingsFileName = 'slurm.json';

export class SlurmSettingsFileError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SlurmSettingsFileError';
  }
}

export function slurmSettingsPath(dataDir: string): string {
  return join(dataDir, slurmSettingsFileName);
}

/** The shared folder when slurm.json names none: beside the lab, fine for a single machine. */
export function defaultSharedDir(dataDir: string): string {
  return join(resolve(dataDir), 'bundles');
}

/** Checks settings (from the file, a form, the command line); `source` names where they came from. */
export function checkSlurmSettingsInput(input: unknown, source: string): SlurmSettingsInput {
  const parsed = slurmSettingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const problems = parsed.error.issues.map((i) =>
    i.code === 'unrecognized_keys'
      ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} (known: ${slurmSettingFields.join(', ')})`
      : i.path.length > 0 && !i.message.startsWith(String(i.path[0]))
        ? `${i.path.map(String).join('.')}: ${i.message}`
        : i.message,
  );
  throw new SlurmSettingsFileError(`${source}: ${problems.join('; ')}`, field);
}

/** The stored settings as written (every field optional); {} without a file. */
export function readSlurmSettingsFile(dataDir: string): SlurmSettingsInput {
  const file = slurmSettingsPath(dataDir);
  if (!existsSync(file)) return {};
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new SlurmSettingsFileError(
      `${file}: not valid JSON (${(error as Error).message}); fix it, or remove it for the defaults`,
    );
  }
  return checkSlurmSettingsInput(input, file);
}

/** Replaces the stored settings (checked first; nothing is written when a value is refused). */
export function writeSlurmSettingsFile(dataDir: string, settings: SlurmSettingsInput): SlurmSettingsInput {
  const checked = checkSlurmSettingsInput(settings, `${slurmSettingsPath(dataDir)} (left unchanged)`);
  const ordered = Object.fromEntries(
    slurmSettingFields.filter((f) => checked[f] !== undefined).map((f) => [f, checked[f]]),
  );
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(slurmSettingsPath(dataDir), `${JSON.stringify(ordered, null, 2)}\n`);
  return ordered as SlurmSettingsInput;
}

/** What the executor uses: the file's settings, the shared folder filled in. */
export function effectiveSlurmSettings(dataDir: string, stored = readSlurmSettingsFile(dataDir)): SlurmSettings {
  return { ...stored, sharedDir: stored.sharedDir ?? defaultSharedDir(dataDir) };
}

/**
 * One `field=value` of the command line applied to `settings`: numbers for cpus, gpus and
 * pollSeconds, a path resolved from the working folder for sharedDir, an empty value removes the
 * field. `setup` values of one command make the list (several --set setup=LINE), see `applySettingChanges`.
 */
export function parseSettingAssignment(text: string): { field: SlurmSettingField; value: string } {
  const at = text.indexOf('=');
  const field = (at < 0 ? text : text.slice(0, at)).trim();
  if (at < 0)
    throw new SlurmSettingsFileError(
      `--set ${text}: write it as field=value (fields: ${slurmSettingFields.join(', ')})`,
    );
  if (!(slurmSettingFields as readonly string[]).includes(field))
    throw new SlurmSettingsFileError(
      `--set ${text}: unknown field "${field}" (fields: ${slurmSettingFields.join(', ')})`,
      field,
    );
  return { field: field as SlurmSettingField, value: text.slice(at + 1) };
}

/** The settings after the command line's `--set` (in order) and `--unset` changes; checked by the caller on write. */
export function applySettingChanges(
  settings: SlurmSettingsInput,
  changes: { field: SlurmSettingField; value: string }[],
  unset: string[] = [],
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...settings };
  for (const name of unset) {
    if (!(slurmSettingFields as readonly string[]).includes(name))
      throw new SlurmSettingsFileError(
        `--unset ${name}: unknown field (fields: ${slurmSettingFields.join(', ')})`,
        name,
      );
    delete next[name];
  }
  const setupLines = changes.filter((c) => c.field === 'setup').map((c) => c.value);
  for (const { field, value } of changes) {
    if (field === 'setup') continue;
    if (value === '') delete next[field];
    else if (field === 'cpus' || field === 'gpus' || field === 'pollSeconds')
      next[field] = /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value; // a word is refused by the schema, quoted
    else if (field === 'sharedDir') next[field] = isAbsolute(value) ? value : resolve(value);
    else next[field] = value;
  }
  if (setupLines.length > 0) {
    const lines = setupLines.filter((l) => l !== '');
    if (lines.length > 0) next.setup = lines;
    else delete next.setup;
  }
  return next;
}
