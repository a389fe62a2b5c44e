import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real `ddl-lab` on input that used to print NaN/null with exit 0, or crash: every case ends
// with a message naming the field, file or line, a non-zero exit, and nothing on stdout.
const repo = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/ddl-lab.js', ...args], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cli-bad-input-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ddl-lab: command names', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    '"%s" is an unknown command: usage and exit 2',
    (name) => {
      const { code, stdout, stderr } = cli(name);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`ddl-lab: unknown command '${name}'.`);
      expect(stderr).toMatch(/Usage: ddl-lab <command>/);
      expect(stderr).toMatch(/Commands: .*metrics/);
    },
  );
});

describe('ddl-lab loss / metrics: results that are not finite numbers', () => {
  it('loss with sigma 1e-300 refuses the NaN terms, naming the field and the option', () => {
    const file = join(dir, 'tiny-sigma.json');
    writeFileSync(
      file,
      JSON.stringify({
        teacher: {
          singles: [
            [1, 0],
            [0, 1],
            [1, 1],
          ],
          pairs: [
            [
              [1, 0],
              [0.9, 0.1],
            ],
          ],
        },
        student: {
          singles: [
            [1, 0.2],
            [0.1, 1],
            [1, -1],
          ],
          pairs: [
            [
              [1, 0],
              [0.5, 0.5],
            ],
          ],
        },
        options: { sigma: 1e-300 },
      }),
    );
    const { code, stdout, stderr } = cli('loss', '--in', file);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^ddl-lab loss: posKL is NaN: .*tiny-sigma\.json.*sigma 1e-300/);
  });

  it.each([[[]], [['--json']]])('metrics with ±1e308 scores refuses Infinity, naming the field (%j)', (extra) => {
    const file = join(dir, 'huge.csv');
    writeFileSync(file, 'score,label\n1e308,1\n-1e308,0\n0.5,1\n0.1,0\n0.9,1\n-0.3,0\n');
    const { code, stdout, stderr } = cli('metrics', '--scores', file, ...extra);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^ddl-lab metrics: report\.\S+ is (-?Infinity|NaN): the scores of .*huge\.csv are too large/,
    );
  });

  it('metrics with a 50 MB field stops at that line, naming file and line, without echoing it', () => {
    const file = join(dir, 'giant-field.csv');
    writeFileSync(file, `score,label\n0.5,1\n0.2,0\n"${'a'.repeat(50_000_000)}",1\n0.3,0\n`);
    const { code, stdout, stderr } = cli('metrics', '--scores', file);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/giant-field\.csv" line 4 is 50000004 characters long; .* at most 4096/);
    expect(stderr.length).toBeLessThan(1000);
  });
});
