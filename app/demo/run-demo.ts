import { availableParallelism } from 'node:os';
import { initBackend } from '../engine/backend.js';
import type { RunExecutor } from '../executor/run-executor.js';
import type { LabDatabase } from '../store/db.js';
import { getRunRecord, type RunRecord } from '../store/runs-repository.js';
import type { RunEvent } from '../train/events.js';
import type { RunProcessLauncher } from '../process/process-launcher.js';
import type { RunRequest } from '../train/run-checks.js';
import { RunManager } from '../train/run-manager.js';
import { ensureDemoData, type DemoData } from './demo-data.js';
import { pretrainedStage1 } from './demo-pretrained.js';
import { evaluateRun, type RunEvaluation } from './demo-evaluate.js';
import { describeDemoDdl, fullDemo, quickDemo, type DemoSettings } from './demo-settings.js';
import { demoArms, summarise, type DemoArm, type SummaryRow } from './demo-table.js';

// The main job, headless (docs/architecture.md#ddl-in-one-page, the protocol): datasets -> split -> stage 1 -> two stage-2
// fine-tunes from the same checkpoint and seed (DDL, classification only; same batches, same
// steps) -> evaluation of all three on held-out identities -> one comparison per seed.

export interface DemoOptions {
  dataDir: string;
  quick?: boolean;
  /** Independent repeats (each its own stage 1 and fine-tunes), seeds firstSeed..firstSeed+N-1. */
  seeds?: number;
  /** The first seed (default 1), so any run of seeds can be drawn. */
  firstSeed?: number;
  /** Run the two fine-tunes at the same time (default: when the machine has at least 2 cores). */
  parallelFineTunes?: boolean;
  launcher?: RunProcessLauncher;
  env?: Record<string, string>;
  /** A stage of the demo started ("generating training faces", "stage 1, seed 1"...). */
  onPhase?(text: string): void;
  /** Work with a known size moved (data generation, import). */
  onProgress?(what: string, done: number, total: number): void;
  /** Live events of the demo's runs, with the arm they belong to. */
  onRunEvent?(event: RunEvent, arm: DemoArm, seed: number): void;
  settings?: DemoSettings;
  /** Where the runs train (app/executor): default, the lab's own child processes through the manager. */
  executor?: (manager: RunManager) => RunExecutor;
}

export interface DemoSeedResult {
  seed: number;
  runs: Record<DemoArm, RunRecord>;
  evaluations: Record<DemoArm, RunEvaluation>;
}

export interface DemoResult {
  settings: DemoSettings;
  backend: string | null;
  train: DemoData;
  validation: DemoData;
  seeds: DemoSeedResult[];
  summary: SummaryRow[];
  seconds: { total: number; data: number; training: number; evaluation: number };
}

export async function runDemo(db: LabDatabase, options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const settings = options.settings ?? (options.quick ? quickDemo : fullDemo);
  const seedCount = options.seeds ?? 1;
  const firstSeed = options.firstSeed ?? 1;
  const phase = (text: string) => options.onPhase?.(text);
  const manager = new RunManager(db, options.dataDir, { launcher: options.launcher, env: options.env });
  manager.recover();
  await initBackend(); // evaluation embeds in this process

  phase('datasets');
  const train = await ensureDemoData(db, options.dataDir, settings, 'train', options.onProgress);
  const validation = await ensureDemoData(db, options.dataDir, settings, 'validation', options.onProgress);
  const dataSeconds = (performance.now() - started) / 1000;

  let armOf = new Map<number, { arm: DemoArm; seed: number }>();
  manager.subscribe((event) => {
    const owner = armOf.get(event.runId);
    if (owner) options.onRunEvent?.(event, owner.arm, owner.seed);
  });
  const executor = options.executor?.(manager);
  const follow = (runId: number, arm: DemoArm, seed: number, env?: Record<string, string>): Promise<RunRecord> => {
    armOf = new Map(armOf).set(runId, { arm, seed });
    const what = `demo ${arm} run ${runId} (seed ${seed})`;
    return executor ? runWithExecutor(executor, runId, what, env) : runToCompletion(manager, runId, what, env);
  };

  const seeds: DemoSeedResult[] = [];
  let trainingSeconds = 0;
  let evaluationSeconds = 0;
  for (let seed = firstSeed; seed < firstSeed + seedCount; seed++) {
    const trainingStarted = performance.now();
    let stage1Run: RunRecord;
    if (settings.pretrained) {
      phase(
        `stage 1: the pretrained ${settings.pretrained}, ${settings.centre ? 'centred on the training images' : 'untouched'} (class-mean classifier of the training identities)`,
      );
      stage1Run = await pretrainedStage1(db, options.dataDir, settings.pretrained, train, settings.centre);
    } else {
      phase(`stage 1 (seed ${seed}): ${settings.stage1.steps} steps on all training images`);
      const stage1 = manager.create(stage1Request(settings, train, seed, `demo seed ${seed}: stage 1`));
      stage1Run = await follow(stage1.id, 'stage1', seed);
    }

    const fineTune = (objective: 'ddl' | 'classification') =>
      manager.create(
        stage2Request(settings, train, stage1Run.id, objective, seed, `demo seed ${seed}: stage 2 ${objective}`),
      );
    const ddl = fineTune('ddl');
    const classification = fineTune('classification');
    const cores = availableParallelism();
    const parallel = options.parallelFineTunes ?? cores >= 2;
    const shared = parallel ? sideBySideEnv(2, cores) : undefined;
    phase(
      `stage 2 (seed ${seed}): ${describeDemoDdl(settings)} and classification-only fine-tunes from run ${stage1Run.id}, ${settings.stage2.steps} steps each${parallel ? ', side by side' : ''}`,
    );
    const [ddlRun, classificationRun] = parallel
      ? await Promise.all([
          follow(ddl.id, 'ddl', seed, shared),
          follow(classification.id, 'classification', seed, shared),
        ])
      : [await follow(ddl.id, 'ddl', seed), await follow(classification.id, 'classification', seed)];
    trainingSeconds += (performance.now() - trainingStarted) / 1000;

    const evaluationStarted = performance.now();
    phase(`evaluating seed ${seed} on ${validation.identities} held-out identities`);
    const runs: Record<DemoArm, RunRecord> = { stage1: stage1Run, classification: classificationRun, ddl: ddlRun };
    const evaluations = {} as Record<DemoArm, RunEvaluation>;
    for (const arm of demoArms) {
      // The pretrained run is the same for every seed: evaluated once.
      const earlier = seeds.find((s) => s.runs[arm].id === runs[arm].id)?.evaluations[arm];
      evaluations[arm] = earlier ?? (await evaluateRun(db, options.dataDir, runs[arm].id, validation));
    }
    evaluationSeconds += (performance.now() - evaluationStarted) / 1000;
    seeds.push({ seed, runs, evaluations });
  }

  return {
    settings,
    backend: getRunRecord(db, seeds[0]?.runs.ddl.id ?? -1)?.backend ?? null,
    train,
    validation,
    seeds,
    summary: summarise(seeds.map((s) => s.evaluations)),
    seconds: {
      total: (performance.now() - started) / 1000,
      data: dataSeconds,
      training: trainingSeconds,
      evaluation: evaluationSeconds,
    },
  };
}

/** The demo's stage-1 run for one seed: all training images, the settings' backbone and head. */
export function stage1Request(settings: DemoSettings, train: DemoData, seed: number, name: string): RunRequest {
  return {
    datasetId: train.datasetId,
    splitId: train.splitId,
    name,
    config: {
      stage: 1,
      backbone: settings.backbone,
      head: settings.head,
      ...settings.stage1,
      seed,
      checkpointEvery: Math.max(1, Math.floor(settings.stage1.steps / 3)),
    },
  };
}

/** A stage-2 fine-tune of a stage-1 run: the fair pair differs only in `objective` (same checkpoint, seed, batches, steps). */
export function stage2Request(
  settings: DemoSettings,
  train: DemoData,
  parentRunId: number,
  objective: 'ddl' | 'classification',
  seed: number,
  name: string,
): RunRequest {
  return {
    datasetId: train.datasetId,
    splitId: train.splitId,
    name,
    config: { stage: 2, parentRunId, objective, ...settings.stage2, seed, checkpointEvery: settings.stage2.steps },
  };
}

/** Starts a queued run and waits for its end; throws unless it completed. */
export async function runToCompletion(
  manager: RunManager,
  runId: number,
  what: string,
  env?: Record<string, string>,
): Promise<RunRecord> {
  const final = await manager.start(runId, { env }).done;
  if (final.status !== 'completed')
    throw new Error(`${what} ended ${final.status}: ${final.error ?? 'no reason recorded'}`);
  return final;
}

/** runToCompletion through an executor (a Slurm job: submitted, followed, imported). */
async function runWithExecutor(
  executor: RunExecutor,
  runId: number,
  what: string,
  env?: Record<string, string>,
): Promise<RunRecord> {
  const [job] = await executor.start([runId], { env });
  const final = await job!.done;
  if (final.status !== 'completed')
    throw new Error(`${what} ended ${final.status} on ${executor.name}: ${final.error ?? 'no reason recorded'}`);
  return final;
}

/** Runs side by side each get their share of the cores (wasm threads), so they do not fight; LAB_THREADS set by the user wins. */
export function sideBySideEnv(runs: number, cores = availableParallelism()): Record<string, string> | undefined {
  return process.env.LAB_THREADS ? undefined : { LAB_THREADS: String(Math.max(1, Math.floor(cores / runs))) };
}
