import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Runs the real `ddl-lab metrics` command on real CSV files.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ddl-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function metrics(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/ddl-lab.js', 'metrics', ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// 60 pairs over three types; scores are a deterministic function of the index.
function typedLines(): string[] {
  const types = ['easy-easy', 'easy-hard', 'hard-hard'];
  return Array.from({ length: 60 }, (_, i) => {
    const label = i % 2;
    const type = types[i % 3]!;
    const score = (label ? 0.5 : 0.0) + ((i * 37) % 17) / 40 - (type === 'hard-hard' ? 0.15 : 0);
    return `${score.toFixed(4)},${label},${type}`;
  });
}

describe('ddl-lab metrics', () => {
  it('prints a readable table overall and per type for a file with a header', () => {
    const file = csv('typed.csv', `score,label,type\n${typedLines().join('\n')}\n`);
    const { code, stdout, stderr } = metrics('--scores', file);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('60 pairs (30 genuine, 30 impostor); types easy-easy, easy-hard, hard-hard');
    expect(stdout).toMatch(/^metric\s+all\s+easy-easy\s+easy-hard\s+hard-hard$/m);
    expect(stdout).toMatch(/^AUC\s+\d\.\d{4}/m);
    expect(stdout).toMatch(/^accuracy \(10-fold\)\s+\d\.\d{4}±\d\.\d{4}/m);
    expect(stdout).toContain('Gaps from easy-easy (positive = the type is worse):');
    expect(stdout).toContain('all: TAR@FAR=1e-1 and below: n/a: needs ≥ 100 impostor pairs, have 30');
    expect(stdout).toContain('A pair is accepted when score >= threshold.');
    expect(stdout).toMatch(/Failures at threshold/);
  });

  it('prints machine JSON with --json and honours --bins', () => {
    const file = csv('typed-json.csv', `score,label,type\n${typedLines().join('\n')}\n`);
    const { code, stdout } = metrics('--scores', file, '--json', '--bins', '10');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.input).toMatchObject({ pairs: 60, skipped: 0, hasTypes: true, header: ['score', 'label', 'type'] });
    expect(out.report.byType.map((t: { type: string }) => t.type)).toEqual(['easy-easy', 'easy-hard', 'hard-hard']);
    expect(out.report.overall.distributions.histogram.genuine.counts).toHaveLength(10);
    expect(out.report.gaps).toHaveLength(2);
    expect(out.failures.falseRejects[0].line).toBeGreaterThan(1);
  });

  it('reads a file without header or types', () => {
    const file = csv('plain.csv', '0.9,1\n0.8,1\n0.2,0\n0.85,0\n');
    const out = JSON.parse(metrics('--scores', file, '--json').stdout);
    expect(out.input.header).toBeNull();
    expect(out.report.byType).toEqual([]);
    expect(out.report.overall.auc).toBe(0.75);
  });

  it('skips bad lines, reports them by line number on stderr, and still computes', () => {
    const file = csv(
      'bad.csv',
      'score,label,type\n0.9,1,easy-easy\n0.3,2,easy-hard\noops,0,easy-easy\n0.1,0,easy-easy\n\n0.2\n',
    );
    const { code, stdout, stderr } = metrics('--scores', file, '--json');
    expect(code).toBe(0);
    expect(stderr).toContain('skipped 3 bad lines');
    expect(stderr).toContain("line 3: label must be 0 or 1, got '2'");
    expect(stderr).toContain("line 4: score must be a finite number, got 'oops'");
    expect(stderr).toContain('line 7: expected score,label,type, got 1 field');
    const out = JSON.parse(stdout);
    expect(out.input.skipped).toBe(3);
    expect(out.input.pairs).toBe(2);
  });

  it('fails with a clear message when no line is valid, the file is empty, or missing', () => {
    const empty = metrics('--scores', csv('empty.csv', ''));
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/no valid score lines in ".*empty.csv": it has no data lines/);
    const allBad = metrics('--scores', csv('all-bad.csv', 'score,label\nx,1\n0.5,7\n'));
    expect(allBad.code).toBe(1);
    expect(allBad.stderr).toMatch(/none of its 3 lines is a valid score,label\[,type\] line \(2 bad\)/);
    const missing = metrics('--scores', join(dir, 'nope.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read scores file ".*nope.csv": no such file/);
  });

  it('refuses bad options with the value it got', () => {
    expect(metrics().code).toBe(2);
    const bins = metrics('--scores', 'x.csv', '--bins', '0');
    expect(bins.code).toBe(2);
    expect(bins.stderr).toContain('--bins must be a whole number ≥ 1, got "0"');
    expect(metrics('--scores', 'x.csv', '--range=1,-1').stderr).toContain('--range must be MIN,MAX');
    expect(metrics('--scores', 'x.csv', '--nonsense').code).toBe(2);
  });
});
