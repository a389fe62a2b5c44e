// The run process: `run-worker --data-dir DIR --run ID`. Started by a RunProcessLauncher (fork or
// Electron's utilityProcess), or by hand. It owns its run while it works: it writes the run's
// status, metrics, histograms and checkpoints to SQLite itself (WAL lets the app read meanwhile),
// and streams the same facts to its supervisor as events for live display.
import { parseArgs } from 'node:util';
import { initBackend } from '../engine/backend.js';
import { openLabDatabase } from '../store/db.js';
import { setNativeBinding, workerNativeBinding } from '../store/native-binding.js';
import { finishRun, getRunRecord, isCancelRequested, markRunStarted } from '../store/runs-repository.js';
import { lossTermNames, type RunEvent } from './events.js';
import { connectToParent } from '../process/parent-channel.js';
import { parseResolvedRunConfig } from './run-checks.js';
import { train, type StopRequest, type TrainOutcome } from './trainer.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, run: { type: 'string' } } });
  const dataDir = values['data-dir'];
  const runId = Number(values.run);
  if (!dataDir || !Number.isInteger(runId)) {
    process.stderr.write('usage: run-worker --data-dir DIR --run ID\n');
    return 2;
  }

  const channel = connectToParent<RunEvent>();
  const post = (event: RunEvent) => channel?.post(event) ?? Promise.resolve();
  let stop: StopRequest | undefined;
  let suspendReason = 'the app asked the run to pause';
  channel?.onCommand((command) => {
    stop ??= command.type;
  });
  // The supervisor died (its process was killed): finish the step, checkpoint, and end resumable.
  channel?.onDisconnect(() => {
    if (!stop) suspendReason = 'the process that started the run went away';
    stop ??= 'suspend';
  });
  // Electron's utilityProcess has no disconnect event, and a channel may close late: a changed
  // parent pid (the orphan was re-parented) says the same, and costs one getppid per step.
  const parentPid = process.ppid;
  const parentGone = () => {
    if (channel && !stop && process.ppid !== parentPid) {
      suspendReason = 'the process that started the run went away';
      stop = 'suspend';
    }
  };
  // Ctrl-C in a terminal reaches the whole process group: treat it as the user's cancel.
  process.on('SIGINT', () => {
    stop ??= 'cancel';
  });
  process.on('SIGTERM', () => {
    stop ??= 'cancel';
  });

  setNativeBinding(workerNativeBinding()); // the Electron build when Electron started this as a utility process
  const db = openLabDatabase(dataDir);
  try {
    const run = getRunRecord(db, runId);
    if (!run) {
      process.stderr.write(`run-worker: no run ${runId} in ${dataDir}\n`);
      return 2;
    }
    const backend = await initBackend();
    // The run record keeps the backend's one-line detail: on webgpu it names the adapter (vendor,
    // architecture, description, software or hardware).
    if (!markRunStarted(db, runId, { pid: process.pid, backend: backend.detail })) {
      process.stderr.write(
        `run-worker: run ${runId} is ${getRunRecord(db, runId)?.status}, not queued; nothing to do\n`,
      );
      return 0;
    }
    process.stderr.write(`run-worker: run ${runId} on ${backend.detail}\n`); // kept in the run's worker.log
    if (backend.fasterHint) process.stderr.write(`run-worker: ${backend.fasterHint}\n`);
    void post({
      type: 'run.status',
      runId,
      status: 'running',
      step: run.lastStep,
      backend: backend.detail,
      error: null,
    });

    let outcome: TrainOutcome;
    try {
      outcome = await train({
        db,
        dataDir,
        run,
        config: parseResolvedRunConfig(run.config),
        callbacks: {
          stopRequested: () => {
            parentGone();
            return stop ?? (isCancelRequested(db, runId) ? 'cancel' : undefined);
          },
          onStep: (s) => {
            const terms = Object.fromEntries(
              lossTermNames.filter((n) => s.metrics[n] !== undefined).map((n) => [n, s.metrics[n] as number]),
            );
            void post({
              type: 'run.progress',
              runId,
              step: s.step,
              totalSteps: s.totalSteps,
              lr: s.lr,
              imagesPerSecond: s.imagesPerSecond,
              terms,
              metrics: s.metrics,
            });
            if (s.histograms && s.histograms.length > 0)
              void post({ type: 'run.histograms', runId, step: s.step, histograms: s.histograms });
          },
          onCheckpoint: (step, path) => void post({ type: 'run.checkpoint', runId, step, path }),
          log: (message) => {
            process.stderr.write(`run-worker: run ${runId}: ${message}\n`); // kept in the run's worker.log
            void post({ type: 'run.log', runId, level: 'info', message });
          },
        },
      });
    } catch (error) {
      const last = getRunRecord(db, runId);
      outcome = {
        status: 'failed',
        step: last?.lastStep ?? 0,
        error: error instanceof Error ? error.message : String(error),
      };
      process.stderr.write(
        `run-worker: run ${runId} failed: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
    }
    if (outcome.status === 'interrupted') {
      outcome = {
        ...outcome,
        error: `${suspendReason} at step ${outcome.step}; it was checkpointed, resume it to continue`,
      };
    }
    finishRun(db, runId, outcome.status, outcome.error, ['running']);
    await post({
      type: 'run.status',
      runId,
      status: outcome.status,
      step: outcome.step,
      backend: backend.detail,
      error: outcome.error,
    });
    return 0;
  } finally {
    db.close();
  }
}

// Exit explicitly: the IPC channel would keep the process alive.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`run-worker: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
