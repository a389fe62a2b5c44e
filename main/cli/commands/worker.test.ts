import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `ddl-lab worker BUNDLE` on bad input: a clear message naming the folder or file, nothing written.
// (Real bundles are trained by app/executor/slurm-executor.test.ts through Slurm.)

const root = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cli-worker-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/ddl-lab.js', 'worker', ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('ddl-lab worker', () => {
  it('without a bundle prints its usage and exits 2', () => {
    const { code, stderr } = cli();
    expect(code).toBe(2);
    expect(stderr).toMatch(/Usage: ddl-lab worker BUNDLE/);
    expect(stderr).toMatch(/name the run bundle folder/);
  });

  it('a folder that is not a bundle is named, with what a bundle is', () => {
    const { code, stderr } = cli(dir);
    expect(code).toBe(1);
    expect(stderr).toContain(`${dir} is not a run bundle (it has no bundle.json)`);
  });

  it('a bundle of another format or version is refused naming its bundle.json', () => {
    const bundle = join(dir, 'old');
    mkdirSync(bundle);
    writeFileSync(join(bundle, 'bundle.json'), JSON.stringify({ format: 'ddl-lab/run-bundle', version: 99 }));
    const { code, stderr } = cli(bundle);
    expect(code).toBe(1);
    expect(stderr).toContain(`${join(bundle, 'bundle.json')} is bundle version 99; this DDL Lab reads version 1`);
  });
});
