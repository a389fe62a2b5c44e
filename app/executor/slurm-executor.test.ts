import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { LabDatabase } from '../store/db.js';
import { listCheckpoints } from '../store/runs-checkpoints.js';
import { getRunExecution } from '../store/runs-executor.js';
import { metricNames, metricSeries } from '../store/runs-series.js';
import { RunManager } from '../train/run-manager.js';
import { createSynthFixture, type SynthFixture } from '../train/test-support/synth-fixture.js';
import { tinyStage1 } from '../train/test-support/tiny-stage1.js';
import { importBundle } from './bundle-import.js';
import { bundlePaths, readBundleStatus } from './bundle-layout.js';
import { LocalExecutor } from './run-executor.js';
import { SlurmExecutor } from './slurm-executor.js';

// The slurm executor against a real single-node Slurm (scripts/slurm-local.sh, as `npm run
// slurm:local` starts it): runs go out as batch jobs on run bundles and come back through the
// import, with the same metrics as the same runs trained locally.

const slurmTools = ['sbatch', 'squeue', 'scancel', 'slurmctld', 'slurmd', 'munged'];
const missing = slurmTools.filter((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], {
      stdio: 'ignore',
      env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
    });
    return false;
  } catch {
    return true;
  }
});
const title =
  missing.length === 0
    ? 'slurm executor on a real single-node Slurm'
    : `slurm executor: skipped, the Slurm binaries ${missing.join(', ')} are not installed (apt-get install slurm-wlm munge)`;

const env = { LAB_THREADS: '1' }; // the same kernels' thread split on both sides: bitwise-equal steps
/** Per-step measurements of the machine, not of the training: they differ between any two runs. */
const timing = new Set(['imagesPerSecond', 'time']);

function trainingSeries(db: LabDatabase, runId: number) {
  const names = metricNames(db, runId).filter((n) => !timing.has(n));
  return metricSeries(db, runId, { names });
}

function tableRows(db: LabDatabase, runId: number) {
  return {
    metrics: db.prepare('SELECT name, step, value FROM run_metrics WHERE run_id = ? ORDER BY name, step').all(runId),
    histograms: db.prepare('SELECT * FROM run_histograms WHERE run_id = ? ORDER BY step, branch').all(runId),
    checkpoints: db.prepare('SELECT * FROM run_checkpoints WHERE run_id = ? ORDER BY step').all(runId),
    run: db.prepare('SELECT * FROM runs WHERE id = ?').get(runId),
  };
}

describe.skipIf(missing.length > 0)(title, () => {
  let fixture: SynthFixture;
  let shared: string;
  beforeAll(async () => {
    execFileSync('bash', [join(import.meta.dirname, '../../scripts/slurm-local.sh')], { stdio: 'inherit' });
    fixture = await createSynthFixture({ identities: 16, perIdentity: 6 });
    shared = join(fixture.dataDir, 'shared');
    mkdirSync(shared);
  }, 120_000);
  afterAll(() => fixture?.cleanup());

  it('two seeds as one array job: submitted, followed, imported, with the metrics of the same runs trained locally', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    // The nodes train from the bundle's pixel cache alone: the image files are out of reach here.
    renameSync(join(dataDir, 'synth'), join(dataDir, 'synth-away'));
    onTestFinished(() => renameSync(join(dataDir, 'synth-away'), join(dataDir, 'synth')));
    const manager = new RunManager(db, dataDir);
    const create = (seed: number) => manager.create({ datasetId, splitId, config: { ...tinyStage1(6, 3), seed } });

    const slurm = new SlurmExecutor(db, dataDir, { sharedDir: shared, pollSeconds: 0.5, cpus: 1 });
    const remote = [create(1), create(2)];
    const jobs = await slurm.start(
      remote.map((r) => r.id),
      { env },
    );
    const jobIds = remote.map((r) => getRunExecution(db, r.id)?.jobId);
    expect(jobIds[0]).toMatch(/^\d+_0$/);
    expect(jobIds[1]).toBe(jobIds[0]!.replace(/_0$/, '_1'));
    const finals = await Promise.all(jobs.map((j) => j.done));
    expect(finals.map((f) => [f.status, f.lastStep, f.error])).toEqual([
      ['completed', 6, null],
      ['completed', 6, null],
    ]);
    expect(remote.map((r) => getRunExecution(db, r.id)?.executor)).toEqual(['slurm', 'slurm']);

    const local = new LocalExecutor(manager);
    const here = [create(1), create(2)];
    const localFinals = await Promise.all(
      (
        await local.start(
          here.map((r) => r.id),
          { env },
        )
      ).map((j) => j.done),
    );
    expect(localFinals.map((f) => f.status)).toEqual(['completed', 'completed']);

    for (let i = 0; i < 2; i++) {
      const fromSlurm = trainingSeries(db, remote[i]!.id);
      expect(Object.keys(fromSlurm).length).toBeGreaterThan(3);
      expect(fromSlurm.total!.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(fromSlurm).toEqual(trainingSeries(db, here[i]!.id));
      expect(listCheckpoints(db, remote[i]!.id).map((c) => c.step)).toEqual([3, 6]);
    }
    // Different seeds really differ (the comparison above is not vacuous).
    expect(trainingSeries(db, remote[0]!.id).total).not.toEqual(trainingSeries(db, remote[1]!.id).total);

    // Importing again changes nothing.
    const before = tableRows(db, remote[0]!.id);
    importBundle(db, dataDir, remote[0]!.id, getRunExecution(db, remote[0]!.id)!.bundleDir!);
    expect(tableRows(db, remote[0]!.id)).toEqual(before);
  }, 240_000);

  it('a job whose worker is killed with SIGKILL on the node ends interrupted; resubmitted, it resumes from the bundle checkpoint with no metric row lost or duplicated', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    const manager = new RunManager(db, dataDir);
    const config = { ...tinyStage1(24, 4), seed: 5 };
    const run = manager.create({ datasetId, splitId, config });
    const slurm = new SlurmExecutor(db, dataDir, { sharedDir: shared, pollSeconds: 0.5 });
    const [job] = await slurm.start([run.id], { env });
    const bundle = getRunExecution(db, run.id)!.bundleDir!;

    // Wait for a checkpoint in the bundle and a few steps after it, then kill the worker process.
    const deadline = Date.now() + 180_000;
    let pid = 0;
    while (Date.now() < deadline) {
      const status = readBundleStatus(bundle);
      const lines = existsSync(bundlePaths(bundle).metrics)
        ? readFileSync(bundlePaths(bundle).metrics, 'utf8').split('\n').filter(Boolean).length
        : 0;
      if (
        status?.state === 'running' &&
        existsSync(join(bundlePaths(bundle).checkpoints, 'step-000004')) &&
        lines >= 7
      ) {
        pid = status.pid;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    const killed = await job!.done;
    const killedJob = getRunExecution(db, run.id)?.jobId;
    expect(killed.status).toBe('interrupted');
    expect(killed.error).toMatch(/before its worker finished/);
    expect(killed.error).toMatch(/resume resubmits it and continues from checkpoint step \d+/);
    const killedAt = killed.lastStep;
    expect(killedAt).toBeLessThan(24);

    // Resubmitted from the command line, as a user would; this lab follows the new job.
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/ddl-lab.js', 'slurm', ...args, '--data-dir', dataDir], {
        cwd: join(import.meta.dirname, '../..'),
        encoding: 'utf8',
      });
    const resubmitted = cli('resume', String(run.id));
    expect(resubmitted.stderr).toBe('');
    expect(resubmitted.status).toBe(0);
    expect(getRunExecution(db, run.id)?.jobId).not.toBe(killedJob);
    const resumed = await slurm.follow(run.id);
    expect([resumed.status, resumed.lastStep, resumed.attempts]).toEqual(['completed', 24, 2]);
    const imported = JSON.parse(cli('import', String(run.id), '--json').stdout) as { runs: object[] };
    expect(imported.runs).toEqual([
      expect.objectContaining({ id: run.id, status: 'completed', lastStep: 24, executor: 'slurm', bundleDir: bundle }),
    ]);
    const status = readBundleStatus(bundle)!;
    expect([status.state, status.attempt]).toEqual(['completed', 2]);
    // The bundle's log holds the killed attempt's replayed steps twice; the lab holds each step once.
    const stepLines = readFileSync(bundlePaths(bundle).metrics, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"step"'));
    expect(stepLines.length).toBeGreaterThan(24);
    const series = trainingSeries(db, run.id);
    for (const points of Object.values(series))
      expect(points.map((p) => p.step)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));

    // The same run, never killed, trained locally: the same values at every step.
    const reference = manager.create({ datasetId, splitId, config });
    const [localJob] = await new LocalExecutor(manager).start([reference.id], { env });
    expect((await localJob!.done).status).toBe('completed');
    expect(series).toEqual(trainingSeries(db, reference.id));
  }, 300_000);
});
