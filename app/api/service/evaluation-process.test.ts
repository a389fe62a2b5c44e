import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../contract/index.js';
import { evaluateRun } from '../../eval/run/evaluate-run.js';
import {
  EvaluationCancelledError,
  evaluationForkLauncher,
  runEvaluationProcess,
} from '../../eval/run/evaluation-process.js';
import { createTrainedFixture, type TrainedFixture } from '../../eval/run/test-support/trained-run.js';
import { listFailures } from '../../store/evaluations-failures.js';
import { imageHardness } from '../../store/evaluations-hardness.js';
import { getEvaluation, type EvaluationRecord } from '../../store/evaluations-repo.js';
import { forkLauncherFor } from '../../process/fork-launcher.js';
import type { RunProcess, RunProcessExit, RunProcessLauncher } from '../../process/process-launcher.js';
import { createLabService } from './lab-service.js';
import { serviceCalls } from './test-support/service-calls.js';
import type { LabService } from './types.js';

// evaluations.run in its own process (app/eval/run's eval-worker, forked as the Electron shell
// would start it as a utility process): real child processes, real kills, a real SQLite file.

interface Launched {
  process: RunProcess;
  exit: Promise<RunProcessExit>;
}

let fixture: TrainedFixture;
let service: LabService;
const launched: Launched[] = [];
const recordingLauncher: RunProcessLauncher = {
  launch(request) {
    const child = evaluationForkLauncher.launch(request);
    launched.push({ process: child, exit: new Promise((resolve) => child.onExit(resolve)) });
    return child;
  },
};

const { call } = serviceCalls(() => service);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function watchJob(jobId: string, onProgress: (job: JobInfo) => void = () => {}): Promise<JobInfo> {
  return new Promise((resolve) => {
    const stop = service.subscribe((e) => {
      if (e.type === 'job.progress' && e.payload.id === jobId) onProgress(e.payload);
      if (e.type === 'job.finished' && e.payload.id === jobId) {
        stop();
        resolve(e.payload);
      }
    });
  });
}

const evaluationCount = () =>
  (fixture.db.prepare('SELECT count(*) AS n FROM evaluations').get() as { n: number }).n +
  (fixture.db.prepare('SELECT count(*) AS n FROM failures').get() as { n: number }).n;

/** What an evaluation measured, without what differs between two runs of it (id, time, date). */
function measured(record: EvaluationRecord) {
  const { id: _id, seconds: _seconds, createdAt: _createdAt, ...rest } = record;
  return rest;
}

beforeAll(async () => {
  fixture = await createTrainedFixture({ identities: 16, perIdentity: 6, steps: 40 });
  service = createLabService({ dataDir: fixture.dataDir, shell: 'test', evaluationLauncher: recordingLauncher });
}, 120_000);
afterAll(async () => {
  await service?.close();
  fixture?.cleanup();
});

describe('evaluations run in their own process', () => {
  it('embeds in a child process while the service stays responsive, and stores what the in-process path stores', async () => {
    // A 10 ms timer in this (the "main") process: its worst lateness while the evaluation runs.
    let last = performance.now();
    let worstLagMs = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worstLagMs = Math.max(worstLagMs, now - last - 10);
      last = now;
      ticks += 1;
    }, 10);
    const phases: JobInfo[] = [];
    let childAliveWhileEmbedding = false;
    try {
      const { jobId } = await call('evaluations.run', {
        runId: String(fixture.runId),
        pairListId: String(fixture.pairListId),
      });
      const job = await watchJob(jobId, (progress) => {
        phases.push(progress);
        const pid = launched.at(-1)?.process.pid;
        if (progress.phase === 'embedding' && pid !== undefined) childAliveWhileEmbedding ||= alive(pid);
      });
      expect(job.status, job.error ?? '').toBe('completed');

      expect(launched).toHaveLength(1);
      const pid = launched[0]!.process.pid!;
      expect(pid).toBeGreaterThan(0);
      expect(pid).not.toBe(process.pid);
      expect(childAliveWhileEmbedding).toBe(true);
      expect(await launched[0]!.exit).toEqual({ code: 0, signal: null });
      expect(phases.map((p) => p.phase)).toContain('embedding');
      const embedded = phases.filter((p) => p.phase === 'embedding').at(-1)!;
      expect(embedded).toMatchObject({ done: 16 * 6, total: 16 * 6 });
      expect(ticks).toBeGreaterThan(0);
      // Loose on purpose (a shared 2-core machine); the point is that the timer keeps firing.
      expect(worstLagMs).toBeLessThan(1000);

      // The same evaluation in this process (what evaluations.run did before): identical results.
      const fromWorker = getEvaluation(fixture.db, Number(job.result!.evaluationId))!;
      const inProcess = (
        await evaluateRun({
          db: fixture.db,
          dataDir: fixture.dataDir,
          runId: fixture.runId,
          pairListId: fixture.pairListId,
        })
      ).evaluation;
      expect(measured(fromWorker)).toEqual(measured(inProcess));
      expect(listFailures(fixture.db, fromWorker.id, { limit: 10_000 }).items).toEqual(
        listFailures(fixture.db, inProcess.id, { limit: 10_000 }).items,
      );
      expect([...imageHardness(fixture.db, fromWorker.id)]).toEqual([...imageHardness(fixture.db, inProcess.id)]);
    } finally {
      clearInterval(timer);
    }
  }, 120_000);

  it('jobs.cancel stops the evaluation process gracefully: the job ends cancelled and nothing is stored', async () => {
    const before = evaluationCount();
    const { jobId } = await call('evaluations.run', {
      runId: String(fixture.runId),
      pairListId: String(fixture.pairListId),
      flipTest: true,
    });
    let cancelled = false;
    const job = await watchJob(jobId, (progress) => {
      // The first progress event comes once the process is launched: cancel it while it starts up.
      if (!cancelled) {
        cancelled = true;
        void call('jobs.cancel', { jobId });
      }
      expect(progress.phase).not.toBe('storing');
    });
    expect(job.status).toBe('cancelled');
    expect(job.result).toBeNull();
    const child = launched.at(-1)!;
    // The worker stopped by itself (no kill) and is gone.
    expect(await child.exit).toEqual({ code: 0, signal: null });
    expect(alive(child.process.pid!)).toBe(false);
    expect(evaluationCount()).toBe(before);
  }, 60_000);

  it('a worker that ignores the cancel is killed after the grace period and stores nothing', async () => {
    // A real process that reports progress, then neither stops nor exits when asked.
    const dir = mkdtempSync(join(tmpdir(), 'ddl-stubborn-worker-'));
    const script = join(dir, 'stubborn-worker.cjs');
    writeFileSync(
      script,
      [
        "process.on('message', () => {});",
        "process.send({ type: 'evaluation.started', pid: process.pid });",
        "process.send({ type: 'evaluation.progress', phase: 'embedding', done: 1, total: 100 });",
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    );
    const exits: RunProcessExit[] = [];
    const stubborn = forkLauncherFor(() => ({ path: script, execArgv: [] }));
    const launcher: RunProcessLauncher = {
      launch(request) {
        const child = stubborn.launch(request);
        child.onExit((exit) => exits.push(exit));
        return child;
      },
    };
    try {
      const before = evaluationCount();
      const controller = new AbortController();
      const started = Date.now();
      const outcome = runEvaluationProcess({
        dataDir: fixture.dataDir,
        request: { runId: fixture.runId, pairListId: fixture.pairListId },
        launcher,
        signal: controller.signal,
        graceMs: 300,
        onProgress: (phase) => {
          if (phase === 'embedding') controller.abort();
        },
      });
      const error = await outcome.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EvaluationCancelledError);
      expect((error as EvaluationCancelledError).forced).toBe(true);
      expect(exits).toEqual([{ code: null, signal: 'SIGKILL' }]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(evaluationCount()).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('a failing evaluation rejects with the message of the worker', async () => {
    const outcome = runEvaluationProcess({
      dataDir: fixture.dataDir,
      request: { runId: fixture.runId, pairListId: 999_999 },
    });
    await expect(outcome).rejects.toThrow(/there is no pair list 999999/);
  }, 60_000);
});
