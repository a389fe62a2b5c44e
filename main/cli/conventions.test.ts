import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandNames } from './registry.js';

// The help and exit-code policy of every registered command, checked on the real `ddl-lab`
// process: --help and -h print the usage and exit 0; a bogus flag is a usage error (exit 2, the
// usage on stderr); a mistyped command or flag names the closest real one.
const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ddl-cli-conventions-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/ddl-lab.js', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DDL_LAB_DATA_DIR: dataDir },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Runs `jobs` a few at a time: every one is a node process with its own TypeScript loader. */
async function inBatches<T>(jobs: (() => Promise<T>)[], width = 4): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < jobs.length; i += width)
    results.push(...(await Promise.all(jobs.slice(i, i + width).map((job) => job()))));
  return results;
}

describe('ddl-lab conventions', () => {
  it('every command prints its usage for --help and -h (exit 0) and for a bogus flag (exit 2)', async () => {
    const names = commandNames();
    expect(names.length).toBeGreaterThanOrEqual(11);
    const cases = names.flatMap((name) => [
      [name, '--help'],
      [name, '-h'],
      [name, '--no-such-flag'],
    ]);
    const results = await inBatches(cases.map((args) => () => cli(...args)));
    cases.forEach(([name, flag], i) => {
      const { code, stdout, stderr } = results[i];
      const usage = new RegExp(`Usage:[\\s\\S]*ddl-lab ${name}\\b`);
      if (flag === '--no-such-flag') {
        expect({ name, code }).toEqual({ name, code: 2 });
        expect(stderr, name).toContain(`ddl-lab ${name}: Unknown option '--no-such-flag'`);
        expect(stderr, name).toMatch(usage);
      } else {
        expect({ name, flag, code, stderr }).toEqual({ name, flag, code: 0, stderr: '' });
        expect(stdout, `${name} ${flag}`).toMatch(usage);
      }
    });
  }, 240_000);

  it('a missing action or argument is a usage error: the usage on stderr, exit 2', async () => {
    const cases = [['runs'], ['runs', 'show'], ['dataset'], ['dataset', 'remove'], ['lab']];
    const results = await inBatches(cases.map((args) => () => cli(...args)));
    cases.forEach((args, i) => {
      const { code, stdout, stderr } = results[i]!;
      expect({ args, code, stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(stderr, args.join(' ')).toMatch(new RegExp(`Usage:[\\s\\S]*ddl-lab ${args[0]}\\b`));
    });
  }, 120_000);

  it('suggests the closest command and flag, and treats no command as a usage error', async () => {
    const [command, flag, far, none, help, action] = await inBatches([
      () => cli('datset'),
      () => cli('dataset', 'list', '--jsno'),
      () => cli('frobnicate'),
      () => cli(),
      () => cli('--help'),
      () => cli('dataset', 'lst'),
    ]);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^ddl-lab: unknown command 'datset'\. Did you mean "dataset"\?\n\nUsage: ddl-lab/);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^ddl-lab dataset: Unknown option '--jsno'\. Did you mean "--json"\?\n\nUsage:/);
    expect(far.code).toBe(2);
    expect(far.stderr).not.toContain('Did you mean');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: ddl-lab <command>');
    expect(action.code).toBe(2);
    expect(action.stderr).toMatch(/^ddl-lab dataset: unknown action "lst"\. Did you mean "list"\?\n\nUsage:/);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: ddl-lab <command>');
  }, 120_000);
});
