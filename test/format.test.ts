import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// `npm run lint` runs `prettier --check .` with the project's config: it must fail on badly laid-out code.
const scratch = mkdtempSync(join(tmpdir(), 'ddl-format-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function prettierCheck(code: string): number | null {
  const file = join(scratch, 'snippet.ts');
  writeFileSync(file, code);
  const config = join(process.cwd(), '.prettierrc.json');
  const run = spawnSync('npx', ['prettier', '--config', config, '--check', file], { encoding: 'utf8' });
  return run.status;
}

describe('formatting is checked', () => {
  it('refuses unformatted code', () => {
    expect(prettierCheck('export const x   = {a:1,\n  b:2}\n')).not.toBe(0);
  });

  it('accepts code in the project layout', () => {
    expect(prettierCheck('export const x = { a: 1, b: 2 };\n')).toBe(0);
  });

  it('is part of npm run lint', async () => {
    const { readFileSync } = await import('node:fs');
    const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
    expect(scripts.lint).toMatch(/prettier --check \./);
  });
});
