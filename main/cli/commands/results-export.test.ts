import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrainedFixture, type TrainedFixture } from '../../../app/eval/run/test-support/trained-run.js';
import { getEvaluation } from '../../../app/store/evaluations-repo.js';
import { listFailures } from '../../../app/store/evaluations-failures.js';
import { imageCount } from '../../../app/store/images-repo.js';
import { runCli, type CliResult } from '../test-support/run-cli.js';

// The real `ddl-lab` process: `eval export` (JSON, per-type CSV, failures CSV) of an evaluation that
// `ddl-lab eval` stored, and `runs embeddings` (CSV, .npy) of a real (tiny) trained run.

let fixture: TrainedFixture;
let out: string;
let evaluationId: number;

function ddlLab(...args: string[]): Promise<CliResult> {
  return runCli(args);
}

const data = () => ['--data-dir', fixture.dataDir];

beforeAll(async () => {
  fixture = await createTrainedFixture({ identities: 12, perIdentity: 6, steps: 20 });
  out = mkdtempSync(join(tmpdir(), 'ddl-cli-results-'));
  const evaluated = await ddlLab(
    'eval',
    String(fixture.runId),
    '--pairs',
    String(fixture.pairListId),
    '--threshold',
    '0.3',
    '--json',
    ...data(),
  );
  if (evaluated.code !== 0) throw new Error(`ddl-lab eval failed: ${evaluated.stderr}`);
  evaluationId = (JSON.parse(evaluated.stdout) as { evaluation: { id: number } }).evaluation.id;
}, 180_000);
afterAll(() => {
  fixture?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('ddl-lab eval export', () => {
  it('prints the evaluation as JSON with its run, pair list and options', async () => {
    const { code, stdout, stderr } = await ddlLab(
      'eval',
      'export',
      String(evaluationId),
      '--format',
      'json',
      ...data(),
    );
    expect(code, stderr).toBe(0);
    const json = JSON.parse(stdout) as {
      format: string;
      evaluation: { id: number; report: unknown };
      run: { id: number };
      pairList: { id: number };
      options: { threshold: number };
    };
    expect(json.format).toBe('ddl-lab.evaluation-export');
    expect(json.evaluation.report).toEqual(getEvaluation(fixture.db, evaluationId)!.report);
    expect(json.run.id).toBe(fixture.runId);
    expect(json.pairList.id).toBe(fixture.pairListId);
    expect(json.options.threshold).toBe(0.3);
  }, 30_000);

  it('writes the per-type metrics CSV to --out: overall then each pair type', async () => {
    const file = join(out, 'metrics.csv');
    const { code, stderr } = await ddlLab(
      'eval',
      'export',
      String(evaluationId),
      '--format',
      'csv',
      '--out',
      file,
      ...data(),
    );
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`wrote ${file}`);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^type,pairs,genuine,impostor,accuracy,accuracy_sd,auc,eer,tar@far=/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['overall', 'easy-easy', 'easy-hard', 'hard-hard']);
  }, 30_000);

  it('writes the failures CSV: one row per stored failure with both images’ attributes', async () => {
    const file = join(out, 'failures.csv');
    const { code, stderr } = await ddlLab(
      'eval',
      'export',
      String(evaluationId),
      '--format',
      'failures-csv',
      '--out',
      file,
      ...data(),
    );
    expect(code, stderr).toBe(0);
    const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(header).toMatch(/^path1,path2,label,type,score,kind,severity,a\.[^,]+/);
    expect(header).toContain(',b.sharpness');
    expect(rows.length).toBe(listFailures(fixture.db, evaluationId, { limit: 0 }).total);
    expect(rows.length).toBeGreaterThan(0);
  }, 30_000);

  it('refuses bad input: usage errors exit 2, a missing evaluation exits 1 naming it', async () => {
    const noFormat = await ddlLab('eval', 'export', String(evaluationId), ...data());
    expect(noFormat.code).toBe(2);
    expect(noFormat.stderr).toContain('needs --format json|csv|failures-csv');
    const badFormat = await ddlLab('eval', 'export', String(evaluationId), '--format', 'xlsx', ...data());
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('got "xlsx"');
    const missing = await ddlLab('eval', 'export', '999', '--format', 'json', ...data());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no evaluation 999');
    const help = await ddlLab('eval', 'export', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: ddl-lab eval export EVALUATION');
  }, 30_000);
});

describe('ddl-lab runs embeddings', () => {
  it('writes every image’s embedding as CSV path,identity,e0..e31', async () => {
    const file = join(out, 'embeddings.csv');
    const args = ['runs', 'embeddings', String(fixture.runId), '--dataset', String(fixture.datasetId)];
    const { code, stderr } = await ddlLab(...args, '--out', file, ...data());
    expect(code, stderr).toBe(0);
    const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(header).toBe(['path', 'identity', ...Array.from({ length: 32 }, (_, j) => `e${j}`)].join(','));
    expect(rows.length).toBe(imageCount(fixture.db, fixture.datasetId));
    const first = rows[0]!.split(',').slice(2).map(Number);
    expect(Math.hypot(...first)).toBeCloseTo(1, 5);
  }, 60_000);

  it('writes an (N, 32) float32 .npy and its rows file, the same values as the CSV', async () => {
    const file = join(out, 'embeddings.npy');
    const args = ['runs', 'embeddings', String(fixture.runId), '--dataset', String(fixture.datasetId)];
    const { code, stderr } = await ddlLab(...args, '--format', 'npy', '--out', file, ...data());
    expect(code, stderr).toBe(0);
    const n = imageCount(fixture.db, fixture.datasetId);
    const bytes = readFileSync(file);
    const headerLength = bytes.readUInt16LE(8);
    expect(bytes.subarray(10, 10 + headerLength).toString('latin1')).toContain(`'shape': (${n}, 32)`);
    const values = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length),
    );
    const csv = readFileSync(join(out, 'embeddings.csv'), 'utf8').trimEnd().split('\n').slice(1);
    const rowsFile = readFileSync(`${file}.rows.csv`, 'utf8').trimEnd().split('\n');
    expect(rowsFile[0]).toBe('row,path,identity');
    expect(rowsFile.length - 1).toBe(n);
    csv.forEach((line, row) => {
      const cells = line.split(',');
      expect(rowsFile[row + 1]).toBe(`${row},${cells[0]},${cells[1]}`);
      expect(Array.from(values.subarray(row * 32, (row + 1) * 32))).toEqual(cells.slice(2).map(Number));
    });
  }, 60_000);

  it('refuses bad input before embedding', async () => {
    const run = String(fixture.runId);
    const noDataset = await ddlLab('runs', 'embeddings', run, '--out', join(out, 'x.csv'), ...data());
    expect(noDataset.code).toBe(2);
    expect(noDataset.stderr).toContain('needs --dataset ID');
    const noOut = await ddlLab('runs', 'embeddings', run, '--dataset', String(fixture.datasetId), ...data());
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('needs --out FILE');
    const badFormat = await ddlLab(
      'runs',
      'embeddings',
      run,
      '--dataset',
      '1',
      '--format',
      'h5',
      '--out',
      'x',
      ...data(),
    );
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('got "h5"');
    const folder = await ddlLab('runs', 'embeddings', run, '--dataset', '1', '--out', out, ...data());
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('is a folder');
    const missingDataset = await ddlLab(
      'runs',
      'embeddings',
      run,
      '--dataset',
      '999',
      '--out',
      join(out, 'y.csv'),
      ...data(),
    );
    expect(missingDataset.code).toBe(1);
    expect(missingDataset.stderr).toContain('no dataset 999');
  }, 60_000);
});
