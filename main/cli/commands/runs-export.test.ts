import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrainedFixture, type TrainedFixture } from '../../../app/eval/run/test-support/trained-run.js';
import { countMetricRows } from '../../../app/store/runs-series.js';
import { runCli, type CliResult } from '../test-support/run-cli.js';

// The real `ddl-lab` process: --version, `runs export` in each format and `eval --scores-out`
// read back by `metrics --scores`, on a data directory holding a real (tiny) trained run.

const root = fileURLToPath(new URL('../../../', import.meta.url));
let fixture: TrainedFixture;
let out: string;

beforeAll(async () => {
  fixture = await createTrainedFixture({ identities: 12, perIdentity: 6, steps: 20 });
  out = mkdtempSync(join(tmpdir(), 'ddl-cli-export-'));
}, 120_000);
afterAll(() => {
  fixture?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

function ddlLab(...args: string[]): Promise<CliResult> {
  return runCli(args);
}

describe('ddl-lab --version', () => {
  it("prints package.json's version and exits 0, as -v too", async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const { code, stdout } = await ddlLab(flag);
      expect(code).toBe(0);
      expect(stdout).toBe(`${version}\n`);
    }
  }, 30_000);
});

describe('ddl-lab runs export', () => {
  const run = () => String(fixture.runId);
  const data = () => ['--data-dir', fixture.dataDir];

  it('prints the metric series as CSV, one row per stored value', async () => {
    const { code, stdout, stderr } = await ddlLab('runs', 'export', run(), '--format', 'csv', ...data());
    expect(code, stderr).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('step,name,value');
    expect(lines.length - 1).toBe(countMetricRows(fixture.db, fixture.runId));
  }, 30_000);

  it('writes the run as JSON to --out', async () => {
    const file = join(out, 'run.json');
    const { code, stdout, stderr } = await ddlLab(
      'runs',
      'export',
      run(),
      '--format',
      'json',
      '--out',
      file,
      ...data(),
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain(`wrote ${file}`);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { run: { id: number; status: string; config: unknown } };
    expect(json.run).toMatchObject({ id: fixture.runId, status: 'completed', config: { stage: 1, steps: 20 } });
  }, 30_000);

  it('writes a TensorBoard event file into --out DIR, creating it', async () => {
    const dir = join(out, 'tb', 'run1');
    const { code, stderr } = await ddlLab('runs', 'export', run(), '--format', 'tensorboard', '--out', dir, ...data());
    expect(code, stderr).toBe(0);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^events\.out\.tfevents\.\d+\.\S+$/);
    expect(stderr).toContain('(20 steps)');
  }, 30_000);

  it('explains bad requests: usage errors exit 2, a missing run exits 1', async () => {
    const noFormat = await ddlLab('runs', 'export', run(), ...data());
    expect(noFormat.code).toBe(2);
    expect(noFormat.stderr).toContain('--format csv|json|tensorboard');
    const badFormat = await ddlLab('runs', 'export', run(), '--format', 'xml', ...data());
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('got "xml"');
    const noDir = await ddlLab('runs', 'export', run(), '--format', 'tensorboard', ...data());
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain('needs --out DIR');
    const file = join(out, 'a-file');
    writeFileSync(file, 'keep me');
    const onFile = await ddlLab('runs', 'export', run(), '--format', 'tensorboard', '--out', file, ...data());
    expect(onFile.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const onFolder = await ddlLab('runs', 'export', run(), '--format', 'csv', '--out', out, ...data());
    expect(onFolder.code).toBe(1);
    expect(onFolder.stderr).toContain('is a folder; give a file name');
    expect(readdirSync(out).filter((f) => f.endsWith('.partial'))).toEqual([]);
    const missing = await ddlLab('runs', 'export', '999', '--format', 'csv', ...data());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no run 999');
  }, 60_000);
});

describe('ddl-lab eval --scores-out', () => {
  it('writes per-pair scores that `ddl-lab metrics --scores` turns into the same report', async () => {
    const file = join(out, 'scores.csv');
    const evaluated = await ddlLab(
      'eval',
      String(fixture.runId),
      '--pairs',
      String(fixture.pairListId),
      '--scores-out',
      file,
      '--json',
      '--data-dir',
      fixture.dataDir,
    );
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stderr).toMatch(/wrote \d+ pair scores to /);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('path1,path2,label,type,score');
    type Report = { byType: Record<string, unknown>[] };
    const { evaluation } = JSON.parse(evaluated.stdout) as { evaluation: { report: Report } };
    const metrics = await ddlLab('metrics', '--scores', file, '--json');
    expect(metrics.code, metrics.stderr).toBe(0);
    const read = JSON.parse(metrics.stdout) as { report: unknown; input: { skipped: number } };
    expect(read.input.skipped).toBe(0);
    // Every metric but the hardest-impostor means, which need the embeddings, not just the scores.
    const stored = evaluation.report;
    const fromScores = { ...stored, byType: stored.byType.map(({ hardestImpostor: _, ...set }) => set) };
    expect(read.report).toEqual(fromScores);
  }, 120_000);

  it('refuses a --scores-out in a missing folder before evaluating', async () => {
    const { code, stderr } = await ddlLab(
      'eval',
      String(fixture.runId),
      '--pairs',
      String(fixture.pairListId),
      '--scores-out',
      join(out, 'nope', 'scores.csv'),
      '--data-dir',
      fixture.dataDir,
    );
    expect(code).toBe(2);
    expect(stderr).toContain('does not exist');
  }, 30_000);
});
