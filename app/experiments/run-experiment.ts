import { ensureDemoData, type DemoData } from '../demo/demo-data.js';
import { evaluateRun } from '../demo/demo-evaluate.js';
import type { DemoSettings } from '../demo/demo-settings.js';
import { stage1Request, stage2Request } from '../demo/run-demo.js';
import { initBackend } from '../engine/backend.js';
import { BatchedStarts } from '../executor/batched-starts.js';
import { LocalExecutor } from '../executor/run-executor.js';
import { SlurmExecutor } from '../executor/slurm-executor.js';
import { effectiveSlurmSettings } from '../executor/slurm-settings-file.js';
import type { SlurmSettings } from '../executor/slurm-settings.js';
import type { RunProcessLauncher } from '../process/process-launcher.js';
import type { LabDatabase } from '../store/db.js';
import {
  claimExperiment,
  finishExperiment,
  getExperiment,
  getExperimentCell,
  setCellEvaluation,
  setCellRun,
  setExperimentData,
  type ExperimentCell,
  type ExperimentRecord,
} from '../store/experiments-repo.js';
import { getRunExecution, type ExecutorName } from '../store/runs-executor.js';
import { getRunRecord, requeueRun, resumableStatuses, type RunRecord } from '../store/runs-repository.js';
import type { RunEvent } from '../train/events.js';
import { isProcessAlive } from '../train/process-liveness.js';
import type { RunRequest } from '../train/run-checks.js';
import { RunManager } from '../train/run-manager.js';
import type { ExperimentSpec } from '../vocabulary/index.js';
import { createCellRun } from './cell-run.js';
import { parseExperimentSpec, variantSettings } from './experiment-plan.js';
import { experimentConcurrency, RunQueue, runShareEnv } from './run-queue.js';

// Runs an experiment to its end, or picks it up where it stopped: every (seed, variant, arm) cell
// is a row that names its run; a cell with a completed run is kept, an interrupted one resumes
// from its checkpoint, a missing one is created. For every seed its stage 1 runs first; then
// each variant's two fine-tunes (DDL and classification only) start from it, through the run
// queue, and each finished fine-tune is evaluated on the held-out identities (in this process,
// one at a time). Killing the runner leaves the runs to end `interrupted` at their next step
// (their workers notice their parent went away); the next runner resumes them.
//
// With the slurm executor (the file's `executor`, or the caller's) the runs are batch jobs on run
// bundles (app/executor): the stage 1s of all seeds go as one array job, then each variant's
// fine-tunes over the seeds as one array job; the jobs are followed and imported, and evaluated
// here as local runs are. Stopping or killing the runner leaves the jobs running on the cluster:
// the next runner follows them (never submits them twice) and resubmits the interrupted ones
// from their bundle's checkpoint. Every run resumes with the executor it started on.

export interface ExperimentData {
  train: DemoData;
  validation: DemoData;
}

export interface ExperimentRunOptions {
  dataDir: string;
  /** Runs at a time (default: from the cores and the backend). */
  concurrency?: number;
  launcher?: RunProcessLauncher;
  env?: Record<string, string>;
  /** Where new runs train (default: the experiment file's `executor`, else local). */
  executor?: ExecutorName;
  /** Settings of the slurm executor (default: the data folder's slurm.json). */
  slurm?: SlurmSettings;
  onPhase?(text: string): void;
  onProgress?(what: string, done: number, total: number): void;
  /** Live events of the experiment's runs with their cell. */
  onRunEvent?(event: RunEvent, cell: CellKey): void;
  /** A cell's run or evaluation finished. */
  onCellDone?(cell: CellKey, run: RunRecord): void;
  /** Set by the caller to stop: running runs checkpoint and end interrupted, the experiment too. */
  signal?: AbortSignal;
}

export type CellKey = Pick<ExperimentCell, 'seed' | 'variant' | 'arm'>;

export class ExperimentBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExperimentBusyError';
  }
}

/** Takes the experiment for this process: queued, stopped, or running under a runner that is gone. */
function claim(db: LabDatabase, experiment: ExperimentRecord): void {
  if (experiment.status === 'completed') return;
  if (experiment.status === 'running' && experiment.runnerPid !== null && experiment.runnerPid !== process.pid) {
    if (isProcessAlive(experiment.runnerPid))
      throw new ExperimentBusyError(
        `experiment ${experiment.id} is being run by process ${experiment.runnerPid}; wait for it, or stop that process`,
      );
  }
  if (!claimExperiment(db, experiment.id, process.pid, ['queued', 'running', 'interrupted', 'failed', 'cancelled']))
    throw new ExperimentBusyError(`experiment ${experiment.id} changed status meanwhile; try again`);
}

export async function runExperiment(
  db: LabDatabase,
  experimentId: number,
  options: ExperimentRunOptions,
): Promise<ExperimentRecord> {
  const stored = getExperiment(db, experimentId);
  if (!stored) throw new Error(`no experiment with id ${experimentId}`);
  const { spec, settings } = parseExperimentSpec(stored.spec, `experiment ${experimentId}`);
  if (stored.status === 'completed') return stored;
  claim(db, stored);
  const phase = (text: string) => options.onPhase?.(text);
  const manager = new RunManager(db, options.dataDir, { launcher: options.launcher, env: options.env });
  const executor = options.executor ?? spec.executor ?? 'local';
  // Slurm runs of this experiment (new, or submitted by an earlier runner) are followed by one executor.
  let slurm: SlurmExecutor | undefined;
  const slurmExecutor = () =>
    (slurm ??= new SlurmExecutor(db, options.dataDir, options.slurm ?? effectiveSlurmSettings(options.dataDir)));
  const stop = () => {
    void manager.shutdown();
    slurm?.stopFollowing(); // the jobs go on; the next runner follows them
  };
  options.signal?.addEventListener('abort', stop);
  try {
    if (executor === 'slurm') slurmExecutor(); // bad settings are refused (the experiment fails) before anything is made
    manager.recover(); // runs of a killed runner whose workers are gone become interrupted
    const backend = await initBackend(); // evaluations embed in this process
    const limit = options.concurrency ?? experimentConcurrency(backend.name);
    phase('datasets');
    const data: ExperimentData = {
      train: await ensureDemoData(db, options.dataDir, settings, 'train', options.onProgress),
      validation: await ensureDemoData(db, options.dataDir, settings, 'validation', options.onProgress),
    };
    setExperimentData(db, experimentId, data);
    const runner = new CellRunner(db, options, manager, new RunQueue(limit), experimentId, data, runShareEnv(limit), {
      name: executor,
      slurm: slurmExecutor,
    });
    const shape = `${spec.variants.length} variant${spec.variants.length > 1 ? 's' : ''} × ${spec.seeds.length} seed${spec.seeds.length > 1 ? 's' : ''}`;
    phase(
      executor === 'slurm'
        ? `${shape} as Slurm jobs (array jobs over the seeds; bundles in ${slurmExecutor().sharedDir})`
        : `${shape}, ${limit} run${limit > 1 ? 's' : ''} at a time`,
    );
    const outcomes =
      executor === 'slurm'
        ? [await settle(inWaves(runner, spec, settings))]
        : await Promise.allSettled(
            spec.seeds.map(async (seed) =>
              fineTunes(runner, spec, settings, seed, await stage1Cell(runner, spec, settings, seed)),
            ),
          );
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (options.signal?.aborted) finishExperiment(db, experimentId, 'interrupted', 'stopped; run it again to resume');
    else if (failure) finishExperiment(db, experimentId, 'failed', (failure.reason as Error).message);
    else finishExperiment(db, experimentId, 'completed', null);
  } catch (error) {
    finishExperiment(db, experimentId, options.signal?.aborted ? 'interrupted' : 'failed', (error as Error).message);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  return getExperiment(db, experimentId)!;
}

const settle = <T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> =>
  promise.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );

/** All the settled outcomes' values, or the first failure once every one settled (nothing left behind running). */
async function allSettledOrThrow<T>(promises: Promise<T>[]): Promise<T[]> {
  const outcomes = await Promise.allSettled(promises);
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<T>).value);
}

/** Batch executors: every seed's stage 1 at once (one array job), then every variant's fine-tunes over the seeds. */
async function inWaves(runner: CellRunner, spec: ExperimentSpec, settings: DemoSettings): Promise<void> {
  const stage1s = await allSettledOrThrow(spec.seeds.map((seed) => stage1Cell(runner, spec, settings, seed)));
  await allSettledOrThrow(spec.seeds.map((seed, i) => fineTunes(runner, spec, settings, seed, stage1s[i]!)));
}

/** The seed's stage 1, unless every variant fine-tunes a given run. */
async function stage1Cell(
  runner: CellRunner,
  spec: ExperimentSpec,
  settings: DemoSettings,
  seed: number,
): Promise<RunRecord | null> {
  if (!spec.variants.some((v) => v.parentRunId === undefined)) return null;
  return runner.cell({ seed, variant: '', arm: 'stage1' }, () =>
    stage1Request(settings, runner.data.train, seed, `${runner.label} seed ${seed}: stage 1`),
  );
}

async function fineTunes(
  runner: CellRunner,
  spec: ExperimentSpec,
  settings: DemoSettings,
  seed: number,
  stage1: RunRecord | null,
): Promise<void> {
  const { train } = runner.data;
  // The classification-only arm ignores every DDL option but the batches' make-up (studentPairs):
  // variants that differ only in DDL options share one, run once (its cell names the same run).
  const sharedCls = new Map<string, { key: CellKey; done: Promise<RunRecord> }>();
  await allSettledOrThrow(
    spec.variants.flatMap((variant) => {
      const own = variantSettings(settings, variant);
      const parentRunId = variant.parentRunId ?? stage1!.id;
      const request = (arm: 'ddl' | 'classification') => () => {
        const made = stage2Request(
          own,
          train,
          parentRunId,
          arm,
          seed,
          `${runner.label} seed ${seed}: ${variant.name} ${arm === 'ddl' ? 'DDL' : 'cls-only'}`,
        );
        // Checkpoints along the way, so a stopped fine-tune resumes instead of starting again.
        const checkpointEvery = Math.max(1, Math.ceil(own.stage2.steps / 3));
        return { ...made, config: { ...(made.config as object), checkpointEvery } };
      };
      const ddl = runner.cell({ seed, variant: variant.name, arm: 'ddl' }, request('ddl'));
      const clsKey: CellKey = { seed, variant: variant.name, arm: 'classification' };
      const { batchSize, steps, lr, schedule, ddl: options } = own.stage2;
      const sameBatches = JSON.stringify([parentRunId, batchSize, steps, lr, schedule, options?.studentPairs ?? null]);
      const shared = sharedCls.get(sameBatches);
      const cls = shared
        ? runner.link(clsKey, shared.key, shared.done)
        : runner.cell(clsKey, request('classification'));
      if (!shared) sharedCls.set(sameBatches, { key: clsKey, done: cls });
      return [ddl, cls];
    }),
  );
}

class CellRunner {
  private evaluations: Promise<unknown> = Promise.resolve();
  private failed: Error | null = null;
  readonly label: string;

  constructor(
    private readonly db: LabDatabase,
    private readonly options: ExperimentRunOptions,
    private readonly manager: RunManager,
    private readonly queue: RunQueue,
    private readonly experimentId: number,
    readonly data: ExperimentData,
    private readonly env: Record<string, string> | undefined,
    private readonly executors: { name: ExecutorName; slurm: () => SlurmExecutor },
  ) {
    this.label = `experiment ${experimentId}`;
  }

  private batched: BatchedStarts | undefined;

  /** The cell's run, completed (created, started or resumed as needed), and its evaluation unless stage 1. */
  async cell(key: CellKey, request: () => RunRequest): Promise<RunRecord> {
    try {
      return await this.completeCell(key, request);
    } catch (error) {
      this.failed ??= error as Error; // the other cells stop starting new work
      throw error;
    }
  }

  private async completeCell(key: CellKey, request: () => RunRequest): Promise<RunRecord> {
    const ids = { experimentId: this.experimentId, ...key };
    let run = this.runOf(key);
    run ??= createCellRun(this.db, this.manager, ids, request);
    const what = `${this.label} seed ${key.seed}${key.variant ? ` ${key.variant}` : ''} ${key.arm} (run ${run.id})`;
    let resumes = 0;
    while (run.status !== 'completed') {
      const id: number = run.id;
      const execution = getRunExecution(this.db, id);
      const remote = execution?.executor === 'slurm' && execution.jobId !== null;
      // Slurm runs need no slot of the local queue: the scheduler queues them.
      const slot = <T>(job: () => Promise<T>) =>
        remote || this.executors.name === 'slurm' ? job() : this.queue.run(job);
      run = await slot(async (): Promise<RunRecord> => {
        this.checkGoingOn();
        const now = getRunRecord(this.db, id)!;
        if (remote && (now.status === 'queued' || now.status === 'running')) {
          this.options.onPhase?.(
            `${what}: following Slurm job ${execution.jobId} (${execution.jobState ?? 'submitted'})`,
          );
          return this.followRemote(id, key, this.executors.slurm().follow(id)); // submitted by an earlier runner: never twice
        }
        if (now.status === 'running') return this.waitWhileRunning(id); // a worker of a killed runner finishing its step
        if (now.status === 'queued') return this.startRun(id, key);
        if (resumableStatuses.includes(now.status) && resumes === 0) {
          resumes++;
          this.options.onPhase?.(
            `${what}: resuming from step ${now.lastStep} (it was ${now.status})${remote ? `, resubmitting its bundle` : ''}`,
          );
          if (remote) return this.followRemote(id, key, (await this.executors.slurm().resume(id)).done); // from the bundle's checkpoint
          if (!requeueRun(this.db, id)) return getRunRecord(this.db, id)!;
          return this.followLocal(id, key);
        }
        this.checkGoingOn();
        throw new Error(`${what} ended ${now.status}: ${now.error ?? 'no reason recorded'}`);
      });
    }
    if (key.arm !== 'stage1' && !getExperimentCell(this.db, ids)?.evaluationId) {
      const job = this.evaluations.then(async () => {
        this.checkGoingOn();
        this.options.onPhase?.(`${what}: evaluating on ${this.data.validation.identities} held-out identities`);
        const evaluation = await evaluateRun(this.db, this.options.dataDir, run.id, this.data.validation);
        setCellEvaluation(this.db, ids, evaluation.evaluationId);
      });
      this.evaluations = job.catch(() => undefined);
      await job;
    }
    this.options.onCellDone?.(key, run);
    return run;
  }

  /** A cell whose run is another cell's (a shared classification-only arm): the same run and evaluation. */
  async link(key: CellKey, source: CellKey, done: Promise<RunRecord>): Promise<RunRecord> {
    const run = await done;
    const from = getExperimentCell(this.db, { experimentId: this.experimentId, ...source });
    const ids = { experimentId: this.experimentId, ...key };
    this.db
      .transaction(() => {
        setCellRun(this.db, ids, run.id);
        if (from?.evaluationId) setCellEvaluation(this.db, ids, from.evaluationId);
      })
      .immediate(); // the write lock up front, waited for (see cell-run.ts)
    this.options.onCellDone?.(key, run);
    return run;
  }

  private runOf(key: CellKey): RunRecord | undefined {
    const cell = getExperimentCell(this.db, { experimentId: this.experimentId, ...key });
    return cell?.runId ? getRunRecord(this.db, cell.runId) : undefined;
  }

  /** A queued run on the experiment's executor; on Slurm, runs of one wave and variant share an array job. */
  private startRun(runId: number, key: CellKey): Promise<RunRecord> {
    if (this.executors.name === 'local') return this.followLocal(runId, key);
    this.batched ??= new BatchedStarts(this.executors.slurm(), this.options.env);
    return this.followRemote(
      runId,
      key,
      this.batched.start(runId, key.arm === 'stage1' ? 'stage 1' : `variant ${key.variant}`),
    );
  }

  /** A Slurm run's live progress (each poll's newest imported step) to the caller, until `done`. */
  private async followRemote(runId: number, key: CellKey, done: Promise<RunRecord>): Promise<RunRecord> {
    const unsubscribe = this.executors.slurm().subscribe((event) => {
      if (event.runId === runId) this.options.onRunEvent?.(event, key);
    });
    try {
      return await done;
    } finally {
      unsubscribe();
    }
  }

  private async followLocal(runId: number, key: CellKey): Promise<RunRecord> {
    const unsubscribe = this.manager.subscribe((event) => {
      if (event.runId === runId) this.options.onRunEvent?.(event, key);
    });
    try {
      const [job] = await new LocalExecutor(this.manager).start([runId], { env: this.env });
      return await job!.done;
    } finally {
      unsubscribe();
    }
  }

  private async waitWhileRunning(runId: number): Promise<RunRecord> {
    for (;;) {
      this.manager.recover();
      const run = getRunRecord(this.db, runId)!;
      if (run.status !== 'running') return run;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Stop starting new work once stopped or once a cell failed. */
  private checkGoingOn(): void {
    if (this.options.signal?.aborted) throw new Error(`${this.label} was stopped`);
    if (this.failed) throw this.failed;
  }
}
