import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as runSlurm } from './slurm.js';

// `ddl-lab slurm settings`: shows the data folder's slurm.json, changes it with --set/--unset, and
// refuses a bad value naming the file, the field and the value, leaving the file as it was.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ddl-slurm-settings-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The command in this process (as bin/ddl-lab.js runs it), its output captured: no Node start per call. */
async function settings(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      out[stream] += String(chunk);
      return true;
    });
  const spies = [capture('stdout'), capture('stderr')];
  try {
    return { status: await runSlurm(['settings', ...args, '--data-dir', dir]), ...out };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('ddl-lab slurm settings', () => {
  it('shows the defaults, sets fields, refuses bad values without writing, and unsets', async () => {
    const empty = await settings();
    expect(empty.status).toBe(0);
    expect(empty.stdout).toContain('not written yet: all defaults');
    expect(empty.stdout).toContain(`sharedDir   ${join(dir, 'bundles')} (default)`);

    const set = await settings(
      '--set',
      'partition=gpu',
      '--set',
      'cpus=4',
      '--set',
      'setup=module load nodejs/20',
      '--set',
      'setup=export LAB_BACKEND=wasm',
      '--json',
    );
    expect(set.stderr).toBe('');
    expect(JSON.parse(set.stdout)).toEqual({
      file: join(dir, 'slurm.json'),
      settings: { partition: 'gpu', cpus: 4, setup: ['module load nodejs/20', 'export LAB_BACKEND=wasm'] },
      sharedDir: join(dir, 'bundles'),
    });
    const written = readFileSync(join(dir, 'slurm.json'), 'utf8');

    const bad = await settings('--set', 'cpus=lots', '--set', 'time=an hour');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      `ddl-lab slurm: ${join(dir, 'slurm.json')} (left unchanged): time must be minutes, HH:MM:SS or D-HH:MM:SS, got "an hour"; cpus must be a number, got "lots"\n`,
    );
    expect(readFileSync(join(dir, 'slurm.json'), 'utf8')).toBe(written);
    const unknown = await settings('--set', 'partion=gpu');
    expect([unknown.status, unknown.stderr]).toEqual([1, expect.stringMatching(/unknown field "partion"/)]);

    const unset = await settings('--unset', 'setup', '--set', 'cpus=');
    expect(unset.status).toBe(0);
    expect(unset.stdout).toMatch(/partition {3}gpu\n/);
    expect(unset.stdout).toMatch(/cpus {8}\(1\)\n/);
    expect(unset.stdout).toMatch(/setup {7}\(none\)\n/);
    expect(JSON.parse(readFileSync(join(dir, 'slurm.json'), 'utf8'))).toEqual({ partition: 'gpu' });

    const misplaced = spawnSync(process.execPath, ['bin/ddl-lab.js', 'slurm', 'status', '--set', 'cpus=2'], {
      cwd: root,
      encoding: 'utf8',
    }); // the real command line, once
    expect(misplaced.status).toBe(2);
    expect(misplaced.stderr).toMatch(/--set and --unset belong to ddl-lab slurm settings/);
  });

  it('an experiment on Slurm with a bad slurm.json is refused naming the file, field and value, before anything runs', () => {
    const lab = join(dir, 'bad-lab');
    const file = join(dir, 'exp.json');
    writeFileSync(file, JSON.stringify({ name: 'refused', variants: [{ name: 'a' }], seeds: [1] }));
    mkdirSync(lab);
    writeFileSync(join(lab, 'slurm.json'), JSON.stringify({ gpus: -1 }));
    const refused = spawnSync(
      process.execPath,
      ['bin/ddl-lab.js', 'experiment', 'run', file, '--executor', 'slurm', '--data-dir', lab],
      { cwd: root, encoding: 'utf8' },
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`ddl-lab experiment: ${join(lab, 'slurm.json')}: gpus must be at least 0, got -1`);
    const shown = spawnSync(process.execPath, ['bin/ddl-lab.js', 'experiment', 'list', '--data-dir', lab], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(shown.stdout).toMatch(/refused {2}failed/);
  });
});
