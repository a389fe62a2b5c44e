import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The real command, as a user runs it: `node bin/ddl-lab.js loss --in FILE.json ...`.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtureInput = join(root, 'app/losses/fixtures/reference-ddl.input.json');
const expected = JSON.parse(readFileSync(join(root, 'app/losses/fixtures/reference-ddl.expected.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'ddl-loss-cli-'));

type Result = { code: number; stdout: string; stderr: string };

function lossCommand(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/ddl-lab.js', 'loss', ...args],
      { cwd: root, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

function writeInput(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const good = {
  teacher: {
    singles: [
      [1, 0.2, 0],
      [0, 1, 0.1],
      [0.3, 0.3, 1],
    ],
    pairs: [
      [
        [1, 0, 0],
        [0.9, 0.2, 0],
      ],
      [
        [0, 1, 0],
        [0.1, 0.8, 0.1],
      ],
    ],
  },
  student: {
    singles: [
      [0.5, 0, 1],
      [0, 1, 1],
      [1, 1, 0],
    ],
    pairs: [
      [
        [1, 0, 0],
        [0.5, 0.6, 0],
      ],
      [
        [0, 0, 1],
        [0.4, 0, 0.7],
      ],
    ],
  },
  options: { lambdaPos: 1, lambdaNeg: 1, lambdaOrder: 1 },
};

describe('ddl-lab loss', () => {
  it('matches the PyTorch reference with --compat reference (and the clean variant without it)', async () => {
    const [reference, clean] = await Promise.all([
      lossCommand(['--in', fixtureInput, '--compat', 'reference']),
      lossCommand(['--in', fixtureInput]),
    ]);
    expect(reference.code, reference.stderr).toBe(0);
    expect(clean.code, clean.stderr).toBe(0);
    for (const [result, want] of [
      [reference, expected.reference],
      [clean, expected.clean],
    ] as const) {
      const report = JSON.parse(result.stdout);
      for (const term of ['total', 'posKL', 'negKL', 'order'] as const) {
        expect(Math.abs(report[term] - want[term]) / Math.abs(want[term]), term).toBeLessThan(1e-4);
      }
      expect(report.student.posKept).toBe(want.student.posKept);
      expect(report.histograms.teacherPos).toHaveLength(1000);
    }
    expect(JSON.parse(reference.stdout).options.compat).toBe('reference');
  });

  it('prints every term as JSON; total = lambdaPos * posKL + lambdaNeg * negKL + lambdaOrder * order', async () => {
    const result = await lossCommand(['--in', writeInput('good.json', good)]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual([
      'posKL',
      'negKL',
      'order',
      'total',
      'teacher',
      'student',
      'histograms',
      'options',
    ]);
    expect(report.total).toBeCloseTo(report.posKL + report.negKL + report.order, 5);
    expect(report.teacher).toMatchObject({ pairs: 2, singles: 3, posKept: 2 });
    expect(Object.keys(report.student)).toEqual(['posMean', 'negMean', 'posKept', 'pairs', 'singles']);
  });

  it('exits non-zero with a message naming what is wrong', async () => {
    const nanText = JSON.stringify(good).replace('[0.9,0.2,0]', '[0.9,NaN,0]');
    const cases: [string, string[], number, string][] = [
      [
        'ragged',
        [
          '--in',
          writeInput('ragged.json', {
            ...good,
            student: {
              ...good.student,
              singles: [
                [0.5, 0, 1],
                [0, 1],
              ],
            },
          }),
        ],
        1,
        'student.singles[1] has 2 values but teacher.singles[0] has 3',
      ],
      ['NaN', ['--in', writeInput('nan.json', nanText)], 1, 'teacher.pairs[0][1][1] is NaN'],
      [
        'one single',
        ['--in', writeInput('one.json', { ...good, teacher: { ...good.teacher, singles: [[1, 0, 0]] } })],
        1,
        'teacher.singles has 1 embedding(s); hardest negatives need at least 2',
      ],
      [
        'empty pairs',
        ['--in', writeInput('nopairs.json', { ...good, student: { ...good.student, pairs: [] } })],
        1,
        'student.pairs is empty',
      ],
      ['missing file', ['--in', join(dir, 'missing.json')], 1, 'missing.json: file not found'],
      ['not JSON', ['--in', writeInput('broken.json', '{"teacher": ')], 1, 'broken.json is not valid JSON'],
      [
        'bad option',
        ['--in', writeInput('sigma.json', { ...good, options: { sigma: -1 } })],
        1,
        'options: sigma must be > 0, got -1',
      ],
      [
        'all pairs dropped',
        ['--in', writeInput('dropped.json', { ...good, options: { positiveThreshold: 0.999 } })],
        1,
        'all 2 teacher pairs have cosine <= positiveThreshold (0.999)',
      ],
      [
        'bad --compat',
        ['--in', writeInput('good2.json', good), '--compat', 'torch'],
        2,
        '--compat must be clean or reference, got "torch"',
      ],
      ['no --in', [], 2, '--in FILE.json is required'],
    ];
    const results = await Promise.all(cases.map(([, args]) => lossCommand(args)));
    results.forEach((result, i) => {
      const [kind, , code, message] = cases[i]!;
      expect(result.code, `${kind}: ${result.stderr}`).toBe(code);
      expect(result.stderr, kind).toContain(message);
      expect(result.stdout, kind).toBe('');
    });
  });
});
