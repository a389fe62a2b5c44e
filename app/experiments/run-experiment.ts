import { ensureDemoData, type DemoData } from '../demo/demo-data.js';
import { evaluateRun } from '../demo/demo-evaluate.js';
import type { DemoSettings } from '../demo/demo-settings.js';
import { stage1Request, stage2Request } from '../demo/run-demo.js';
import { initBackend } from '../engine/backend.js';
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
  const stop = () => void manager.shutdown();
  options.signal?.addEventListener('abort', stop);
  try {
    manager.recover(); // runs of a killed runner whose workers are gone become interrupted
    const backend = await initBackend(); // evaluations embed in this process
    const limit = options.concurrency ?? experimentConcurrency(backend.name);
    phase('datasets');
    const data: ExperimentData = {
      train: await ensureDemoData(db, options.dataDir, settings, 'train', options.onProgress),
      validation: await ensureDemoData(db, options.dataDir, settings, 'validation', options.onProgress),
    };
    setExperimentData(db, experimentId, data);
    const runner = new CellRunner(db, options, manager, new RunQueue(limit), experimentId, data, runShareEnv(limit));
    phase(
      `${spec.variants.length} variant${spec.variants.length > 1 ? 's' : ''} × ${spec.seeds.length} seed${spec.seeds.length > 1 ? 's' : ''}, ${limit} run${limit > 1 ? 's' : ''} at a time`,
    );
    const outcomes = await Promise.allSettled(spec.seeds.map((seed) => runSeed(runner, spec, settings, seed)));
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

async function runSeed(runner: CellRunner, spec: ExperimentSpec, settings: DemoSettings, seed: number): Promise<void> {
  const { train } = runner.data;
  const needsStage1 = spec.variants.some((v) => v.parentRunId === undefined);
  const stage1 = needsStage1
    ? await runner.cell({ seed, variant: '', arm: 'stage1' }, () =>
        stage1Request(settings, train, seed, `${runner.label} seed ${seed}: stage 1`),
      )
    : null;
  // The classification-only arm ignores every DDL option but the batches' make-up (studentPairs):
  // variants that differ only in DDL options share one, run once (its cell names the same run).
  const sharedCls = new Map<string, { key: CellKey; done: Promise<RunRecord> }>();
  await Promise.all(
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
  ) {
    this.label = `experiment ${experimentId}`;
  }

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
      run = await this.queue.run(async () => {
        this.checkGoingOn();
        const now = getRunRecord(this.db, run!.id)!;
        if (now.status === 'running') return this.waitWhileRunning(now.id); // a worker of a killed runner finishing its step
        if (now.status === 'queued') return this.follow(now.id, key);
        if (resumableStatuses.includes(now.status) && resumes === 0) {
          resumes++;
          this.options.onPhase?.(`${what}: resuming from step ${now.lastStep} (it was ${now.status})`);
          if (!requeueRun(this.db, now.id)) return getRunRecord(this.db, now.id)!;
          return this.follow(now.id, key);
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

  private async follow(runId: number, key: CellKey): Promise<RunRecord> {
    const unsubscribe = this.manager.subscribe((event) => {
      if (event.runId === runId) this.options.onRunEvent?.(event, key);
    });
    try {
      return await this.manager.start(runId, { env: this.env }).done;
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
