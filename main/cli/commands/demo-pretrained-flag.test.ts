import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// `ddl-lab demo --pretrained NAME` names a zoo model; anything else is a usage error that says
// which models there are, before any data is made.
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ddl-demo-flag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ddl-lab demo --pretrained', () => {
  it('refuses a model the zoo does not have: exit 2, the value and the choices, nothing made', () => {
    const dataDir = join(dir, 'data');
    const result = spawnSync(
      process.execPath,
      ['bin/ddl-lab.js', 'demo', '--quick', '--pretrained', 'resnet9000', '--data-dir', dataDir],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--pretrained must be one of mobilefacenet');
    expect(result.stderr).toContain('"resnet9000"');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('lists the flag in its usage', () => {
    const result = spawnSync(process.execPath, ['bin/ddl-lab.js', 'demo', '--help'], { cwd: repo, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/--pretrained NAME\s+the paper's protocol/);
    expect(result.stdout).toMatch(/--no-centre\s+with --pretrained: the raw model/);
  });

  it('refuses --no-centre without --pretrained: exit 2, nothing made', () => {
    const dataDir = join(dir, 'no-centre');
    const result = spawnSync(
      process.execPath,
      ['bin/ddl-lab.js', 'demo', '--quick', '--no-centre', '--data-dir', dataDir],
      {
        cwd: repo,
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--no-centre goes with --pretrained NAME');
    expect(existsSync(dataDir)).toBe(false);
  });
});
