import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Runs the real `ddl-lab synth` command.
const root = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cli-synth-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/ddl-lab.js', 'synth', ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('ddl-lab synth', () => {
  it('writes a dataset and prints the manifest with timing as JSON', () => {
    const out = join(dir, 'json');
    const { code, stdout, stderr } = cli(
      '--preset',
      'resolution',
      '--identities',
      '4',
      '--per-identity',
      '5',
      '--size',
      '24',
      '--out',
      out,
      '--seed',
      '9',
      '--json',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      outDir: out,
      preset: 'resolution',
      seed: 9,
      identities: 4,
      perIdentity: 5,
      size: 24,
      images: 20,
      easy: 12,
      hard: 8,
      identitiesUsableForDdl: 4,
    });
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.pairs['easy-hard'].genuine).toBe(result.pairs['easy-hard'].impostor);
    expect(JSON.parse(readFileSync(join(out, 'synthfaces.json'), 'utf8')).images).toBe(20);
  });

  it('prints a readable summary', () => {
    const { code, stdout } = cli(
      '--preset',
      'pose',
      '--identities',
      '3',
      '--per-identity',
      '4',
      '--size',
      '16',
      '--out',
      join(dir, 'summary'),
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/SynthFaces pose \(seed 1\): 12 images of 3 identities, 16x16 px/);
    expect(stdout).toMatch(/easy 6, hard 6 \(hard: abs_yaw >= 45\); identities usable for DDL: 3/);
    expect(stdout).toMatch(/pairs \(genuine\+impostor\): easy-easy \d+\+\d+, easy-hard \d+\+\d+, hard-hard \d+\+\d+/);
  });

  it('explains bad arguments in the words of the command line and writes nothing', () => {
    const out = join(dir, 'bad');
    const missing = cli('--preset', 'pose', '--out', out);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing --identities, --per-identity, --size/);
    const wrong = cli('--preset', 'side', '--identities', '1', '--per-identity', '2', '--size', '16', '--out', out);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--preset must be one of pose, resolution, mixed/);
    expect(wrong.stderr).toMatch(/--identities must be a whole number from 2/);
    expect(wrong.stderr).toMatch(/--per-identity must be a whole number from 3/);
    expect(
      cli('--preset', 'pose', '--identities', 'ten', '--per-identity', '3', '--size', '16', '--out', out).stderr,
    ).toMatch(/--identities must be a whole number, got "ten"/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to write into a folder that is not empty', () => {
    const out = join(dir, 'json');
    const { code, stderr } = cli(
      '--preset',
      'pose',
      '--identities',
      '2',
      '--per-identity',
      '3',
      '--size',
      '16',
      '--out',
      out,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/is not empty; choose a new folder or delete this one first/);
  });
});
