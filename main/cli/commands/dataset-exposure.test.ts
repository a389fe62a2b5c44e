import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageFolder } from '../../../app/data/test-fixtures.js';

// `ddl-lab dataset import` with a list file that is not a list: the command line's user may name
// any of his files, but the report never repeats their content, and /proc, /sys, /dev and system
// folders are refused.
const repo = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;
let faces: string;

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/ddl-lab.js', ...args, '--data-dir', join(dir, 'data')], {
    cwd: repo,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cli-exposure-'));
  faces = join(dir, 'faces');
  await writeImageFolder(faces, { identities: 2, perIdentity: 2, size: 16 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ddl-lab dataset import: list files are read, never echoed', () => {
  it('--pairs /etc/passwd reports line numbers and reasons without any of the file', () => {
    const { code, stdout, stderr } = cli('dataset', 'import', faces, '--size', '16', '--pairs', '/etc/passwd');
    expect(code).toBe(0);
    const out = stdout + stderr;
    expect(out).toMatch(/\/etc\/passwd:1: bad line — line 1: expected "name n1 n2"/);
    const passwd = readFileSync('/etc/passwd', 'utf8');
    for (const line of passwd.split('\n').filter(Boolean)) {
      for (const field of line.split(':').filter((f) => f.length >= 4 && !/^\d+$/.test(f))) {
        // Words of the report itself (e.g. "name") are not the file's content.
        if (!/^(name|line|bad |root)$/i.test(field)) expect(out, field).not.toContain(field);
      }
    }
  });

  it('--pairs and --attributes with a private file: the JSON report has none of its content', () => {
    const secret = 'PRIVATE-9d2e-token';
    const file = join(dir, 'private.env');
    writeFileSync(file, `API_KEY=${secret}\n${secret} 1 2\n${secret},b,1\n`, { mode: 0o600 });
    const { code, stdout } = cli(
      'dataset',
      'import',
      faces,
      '--size',
      '16',
      '--pairs',
      file,
      '--attributes',
      file,
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.bad.filter((b: { source: string }) => b.source !== 'image').length).toBeGreaterThan(0);
    expect(stdout).not.toContain(secret);
    expect(stdout).not.toContain('API_KEY');
  });

  it('refuses /proc, /dev and system folders', () => {
    const environ = cli('dataset', 'import', faces, '--pairs', `/proc/${process.pid}/environ`);
    expect(environ.code).not.toBe(0);
    expect(environ.stderr).toMatch(/is in \/proc, which DDL Lab never reads/);
    expect(environ.stdout + environ.stderr).not.toContain('PATH=');
    const zero = cli('dataset', 'import', faces, '--attributes', '/dev/zero');
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toMatch(/is in \/dev/);
    const etc = cli('dataset', 'import', '/etc');
    expect(etc.code).not.toBe(0);
    expect(etc.stderr).toMatch(/\/etc is the system folder \/etc, not a dataset/);
  });
});
