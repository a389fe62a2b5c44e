import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePaths, readBundleStatus } from '../../executor/bundle-layout.js';
import { SlurmExecutor } from '../../executor/slurm-executor.js';
import { listCheckpoints } from '../../store/runs-checkpoints.js';
import { getRunExecution } from '../../store/runs-executor.js';
import { RunManager } from '../../train/run-manager.js';
import { createSynthFixture, type SynthFixture } from '../../train/test-support/synth-fixture.js';
import { tinyStage1 } from '../../train/test-support/tiny-stage1.js';
import type { RunSummary } from '../contract/index.js';
import { createLabService } from './lab-service.js';
import { serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// A Slurm run seen by another lab process (the app started after the job was submitted): the
// runs list shows its executor, job id and state, and runs.cancel reaches the job through scancel.

const missing = ['sbatch', 'squeue', 'scancel', 'slurmctld', 'slurmd', 'munged'].filter((tool) => {
  try {
    execFileSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${tool}`], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});
const title =
  missing.length === 0
    ? 'Slurm runs in the service (real single-node Slurm)'
    : `Slurm runs in the service: skipped, the Slurm binaries ${missing.join(', ')} are not installed (apt-get install slurm-wlm munge)`;

describe.skipIf(missing.length > 0)(title, () => {
  let fixture: SynthFixture;
  let service: LabService;
  const { call } = serviceCalls(() => service);
  beforeAll(async () => {
    execFileSync('bash', [join(import.meta.dirname, '../../../scripts/slurm-local.sh')], { stdio: 'inherit' });
    fixture = await createSynthFixture({ identities: 16, perIdentity: 6 });
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    fixture?.cleanup();
  });

  it('a lab opened while the job runs shows its Slurm id and state, and runs.cancel stops it with its checkpoint imported', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    const shared = join(dataDir, 'shared');
    mkdirSync(shared);
    const run = new RunManager(db, dataDir).create({ datasetId, splitId, config: tinyStage1(100_000, 5) });
    const submitter = new SlurmExecutor(db, dataDir, { sharedDir: shared, pollSeconds: 1 });
    const [job] = await submitter.start([run.id], { env: { LAB_THREADS: '1' } });
    const jobId = getRunExecution(db, run.id)!.jobId!;
    const bundle = getRunExecution(db, run.id)!.bundleDir!;

    // Another process's view of the same lab: its own connection, nothing shared but the files.
    service = createLabService({ dataDir, shell: 'test' });
    const find = async () =>
      (await call('runs.list', {})).runs.find((r) => r.id === String(run.id)) as RunSummary | undefined;
    let seen: RunSummary | undefined;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      seen = await find();
      if (seen?.status === 'running' && seen.step >= 6) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen).toMatchObject({ status: 'running', executor: 'slurm', jobId, jobState: 'RUNNING' });

    await call('runs.cancel', { runId: String(run.id) });
    const final = await job!.done;
    expect(final.status).toBe('cancelled');
    expect(readBundleStatus(bundle)?.state).toBe('cancelled');
    expect(existsSync(bundlePaths(bundle).cancelRequested)).toBe(true); // so SIGTERM meant cancel, not suspend
    // The worker checkpointed the step it stopped at, and the lab has it.
    expect(listCheckpoints(db, run.id).at(-1)?.step).toBe(final.lastStep);
    await new Promise((r) => setTimeout(r, 3100)); // past the service's refresh throttle
    expect(await find()).toMatchObject({ status: 'cancelled', executor: 'slurm', jobId, step: final.lastStep });
  }, 240_000);
});
