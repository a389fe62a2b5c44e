import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLabDatabase } from '../../../app/store/db.js';
import { insertFakeSplit } from '../../../app/train/test-support/fake-dataset.js';

// `ddl-lab train --init FILE` on the real command, and the file it writes given back to --config.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const exec = promisify(execFile);
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cli-train-init-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['bin/ddl-lab.js', 'train', ...args], {
      cwd: root,
      encoding: 'utf8',
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('ddl-lab train --init', () => {
  it('writes a commented config pointing at the shipped schema, which --config accepts; never overwrites', async () => {
    const file = join(dir, 'run.json');
    const wrote = await cli('--init', file);
    expect(wrote.stderr).toBe('');
    expect(wrote.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    const config = JSON.parse(text) as { $schema: string; '//': string[] };
    expect(fileURLToPath(config.$schema)).toBe(join(root, 'resources', 'run-config.schema.json'));
    expect(config['//'].join('\n')).toContain('ddl-lab train --dataset DATASET --split SPLIT --config');

    const again = await cli('--init', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${file} already exists`);
    expect(readFileSync(file, 'utf8')).toBe(text);

    const dataDir = join(dir, 'lab');
    const db = openLabDatabase(dataDir);
    insertFakeSplit(db, { identities: 20, easyPerIdentity: 4, hardIdentities: 3 });
    db.close();
    // Given back to --config, the file passes the config checks and the run starts; Ctrl-C twice
    // (as a person would) stops it at once, so the test does not wait for it.
    const child = spawn(
      process.execPath,
      [
        'bin/ddl-lab.js',
        'train',
        '--dataset',
        'fake',
        '--split',
        'fake split',
        '--config',
        file,
        '--data-dir',
        dataDir,
      ],
      { cwd: root },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('run 1 started') && !child.killed) {
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(stderr).not.toContain('run config has problems');
    expect(stderr).toContain('run 1 started');
    expect(code).not.toBe(2);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, text.replace('"steps": 200', '"stepz": 200'));
    const refused = await cli('--dataset', 'fake', '--split', 'fake split', '--config', bad, '--data-dir', dataDir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('unknown field "stepz"');
  }, 120_000);
});
