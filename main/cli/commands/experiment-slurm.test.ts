import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePaths } from '../../../app/executor/bundle-layout.js';
import { writeSlurmSettingsFile } from '../../../app/executor/slurm-settings-file.js';
import type { ExperimentView } from '../../../app/experiments/experiment-results.js';
import { openLabDatabase } from '../../../app/store/db.js';
import { listExperimentCells } from '../../../app/store/experiments-repo.js';
import { getRunExecution } from '../../../app/store/runs-executor.js';
import { metricNames, metricSeries } from '../../../app/store/runs-series.js';
import { waitUntil } from '../../../app/train/test-support/processes.js';

// `ddl-lab experiment run FILE --executor slurm` on a real single-node Slurm (scripts/slurm-local.sh):
// a 2-seed experiment with the smallest settings goes out as array jobs (the stage 1s, then the
// variant's fine-tunes), survives a kill -9 of its runner (the next run of the same command follows
// the submitted jobs, never submits them twice), is imported, and every run's metrics and the
// results equal the same experiment run locally (same seeds; timing fields left out).

const root = fileURLToPath(new URL('../../../', import.meta.url));
const slurmTools = ['sbatch', 'squeue', 'scancel', 'slurmctld', 'slurmd', 'munged'];
const missing = slurmTools.filter((tool) => {
  try {
    execFileSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${tool}`], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});
const title =
  missing.length === 0
    ? 'ddl-lab experiment run --executor slurm (real single-node Slurm)'
    : `ddl-lab experiment run --executor slurm: skipped, the Slurm binaries ${missing.join(', ')} are not installed (apt-get install slurm-wlm munge)`;

const dir = mkdtempSync(join(tmpdir(), 'ddl-experiment-slurm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = {
  name: 'tiny on slurm',
  data: {
    imageSize: 32,
    train: { identities: 8, perIdentity: 4, seed: 5 },
    validation: { identities: 6, perIdentity: 4, seed: 6 },
  },
  backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 8, widths: [4, 4, 8, 8], depths: [1, 1, 1, 1] },
  stage1: { batchSize: 8, steps: 3, lr: 0.05, schedule: { kind: 'constant', warmupSteps: 0 } },
  stage2: { batchSize: 2, steps: 3, histogramEvery: 3 },
  variants: [{ name: 'reference' }],
  seeds: { first: 1, count: 2 },
};
const file = join(dir, 'tiny.json');
writeFileSync(file, JSON.stringify(spec));

function experiment(dataDir: string, ...args: string[]) {
  const child = spawn(process.execPath, ['bin/ddl-lab.js', 'experiment', 'run', file, ...args, '--data-dir', dataDir], {
    cwd: root,
    // One thread on both sides: the same kernels' split, bitwise-equal steps (sbatch passes the environment on).
    env: { ...process.env, LAB_THREADS: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, result };
}

/** Per cell (seed, variant, arm): its run's executor and job, and its training series without the timing fields. */
function cellsOf(dataDir: string) {
  const db = openLabDatabase(dataDir, { mode: 'read' });
  try {
    return Object.fromEntries(
      listExperimentCells(db, 1).map((cell) => {
        const names = metricNames(db, cell.runId!).filter((n) => n !== 'imagesPerSecond' && n !== 'time');
        return [
          `${cell.seed} ${cell.variant} ${cell.arm}`,
          { execution: getRunExecution(db, cell.runId!)!, series: metricSeries(db, cell.runId!, { names }) },
        ];
      }),
    );
  } finally {
    db.close();
  }
}

describe.skipIf(missing.length > 0)(title, () => {
  beforeAll(() => {
    execFileSync('bash', [join(root, 'scripts/slurm-local.sh')], { stdio: 'inherit' });
  }, 120_000);

  it('submits array jobs, follows them across a kill -9 of its runner, imports, and equals the local experiment', async () => {
    const onSlurm = join(dir, 'slurm-lab');
    const onLocal = join(dir, 'local-lab');
    // The local reference runs meanwhile, in its own lab.
    const local = experiment(onLocal, '--executor', 'local', '--json');
    // The lab's Slurm settings make the job scripts (--shared-dir wins over the file's folder).
    writeSlurmSettingsFile(onSlurm, {
      sharedDir: join(dir, 'elsewhere'),
      time: '30',
      setup: ['export SETTINGS_SEEN=1'],
      pollSeconds: 1,
    });

    // The runner is killed once the stage 1s are submitted; the jobs go on without it.
    const first = experiment(onSlurm, '--executor', 'slurm', '--shared-dir', join(dir, 'shared'));
    const submitted = await waitUntil(
      'the stage 1s submitted',
      () => {
        try {
          const cells = cellsOf(onSlurm);
          const jobs = Object.values(cells).map((c) => c.execution.jobId);
          return jobs.length === 2 && jobs.every(Boolean) ? jobs : undefined;
        } catch {
          return undefined; // the lab is still being made
        }
      },
      120_000,
    );
    first.child.kill('SIGKILL');
    await first.result;
    // One array job, a task per seed.
    expect(submitted[0]).toMatch(/^\d+_[01]$/);
    expect(new Set(submitted.map((id) => id!.split('_')[0])).size).toBe(1);

    const again = await experiment(onSlurm, '--executor', 'slurm', '--shared-dir', join(dir, 'shared'), '--json')
      .result;
    expect(again.stderr).toMatch(/resuming experiment 1/);
    expect(again.stderr).toMatch(/following Slurm job \d+_[01]/);
    // Live progress of the Slurm runs, read from their bundles at each poll.
    expect(again.stderr).toMatch(/seed [12] reference ddl 3\/3/);
    expect(again.code, again.stderr).toBe(0);
    const fromSlurm = JSON.parse(again.stdout) as ExperimentView;
    expect([fromSlurm.status, fromSlurm.progress]).toEqual(['completed', { done: 6, total: 6 }]);

    const slurmCells = cellsOf(onSlurm);
    const bundle = slurmCells['1 reference ddl']!.execution.bundleDir!;
    expect(bundle.startsWith(join(dir, 'shared'))).toBe(true);
    const script = readFileSync(bundlePaths(bundle).script, 'utf8').split('\n');
    expect(script).toContain('#SBATCH --time=30');
    expect(script).toContain('export SETTINGS_SEEN=1');
    // Not submitted twice: the stage 1s kept the jobs of the killed runner.
    expect(['1  stage1', '2  stage1'].map((k) => slurmCells[k]!.execution.jobId).sort()).toEqual([...submitted].sort());
    // The variant's four fine-tunes went as one array job.
    const fineTuneJobs = Object.entries(slurmCells)
      .filter(([key]) => !key.endsWith('stage1'))
      .map(([, c]) => c.execution);
    expect(fineTuneJobs.map((e) => e.executor)).toEqual(['slurm', 'slurm', 'slurm', 'slurm']);
    expect(new Set(fineTuneJobs.map((e) => e.jobId!.split('_')[0])).size).toBe(1);
    // Ended runs are not looked at again: a job still winding down at the worker's last word stays COMPLETING.
    for (const e of fineTuneJobs) expect(['COMPLETED', 'COMPLETING']).toContain(e.jobState);

    const here = await local.result;
    expect(here.code, here.stderr).toBe(0);
    const fromLocal = JSON.parse(here.stdout) as ExperimentView;
    const localCells = cellsOf(onLocal);
    expect(Object.keys(slurmCells).sort()).toEqual(Object.keys(localCells).sort());
    for (const [key, cell] of Object.entries(slurmCells)) {
      expect(localCells[key]!.execution.executor).toBe('local');
      expect(Object.keys(cell.series).length, key).toBeGreaterThan(3);
      expect(cell.series, key).toEqual(localCells[key]!.series);
    }
    // Different seeds really differ (the comparison is not vacuous).
    expect(slurmCells['1  stage1']!.series.total).not.toEqual(slurmCells['2  stage1']!.series.total);
    // The evaluations (held-out identities) and the paired statistics too.
    expect(fromSlurm.variants).toEqual(fromLocal.variants);
  }, 420_000);
});
