// `ddl-lab worker BUNDLE`: trains one run bundle headless, on a cluster node (the batch script the
// slurm executor writes runs it). It opens no lab: its results go into BUNDLE/output/, which the lab
// imports. SIGTERM (scancel, a time limit) checkpoints and stops: `cancelled` when the lab asked for
// the cancel (BUNDLE/cancel-requested), else `interrupted`, so a resubmission continues.
import { existsSync } from 'node:fs';
import { bundlePaths } from '../../../app/executor/bundle-layout.js';
import { runBundle } from '../../../app/executor/bundle-worker.js';
import type { StopRequest } from '../../../app/train/trainer.js';
import { commandFailure, parseCommandLine } from '../command-line.js';

const usage = `Usage: ddl-lab worker BUNDLE
  Trains the run in the run bundle BUNDLE (a folder the lab wrote for the slurm executor) and
  writes its metrics, histograms, checkpoints and status into BUNDLE/output/. A bundle with
  checkpoints continues from the newest one; a completed bundle is left as it is.
`;

export async function run(args: string[]): Promise<number> {
  const fail = commandFailure('worker');
  const parsed = parseCommandLine(
    { args, allowPositionals: true, options: { help: { type: 'boolean', default: false } } },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  if (parsed.values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const [bundle, ...extra] = parsed.positionals;
  if (!bundle || extra.length > 0) {
    process.stderr.write(usage);
    return fail(bundle ? `one BUNDLE only, got ${parsed.positionals.length}` : 'name the run bundle folder');
  }
  if (!existsSync(bundlePaths(bundle).manifest))
    return fail(
      `${bundle} is not a run bundle (it has no bundle.json); the lab writes bundles for the slurm executor`,
      1,
    );

  let stop: StopRequest | undefined;
  process.on('SIGTERM', () => {
    stop ??= existsSync(bundlePaths(bundle).cancelRequested) ? 'cancel' : 'suspend';
  });
  process.on('SIGINT', () => {
    stop ??= 'cancel';
  });
  try {
    const status = await runBundle(bundle, { stopRequested: () => stop });
    process.stderr.write(
      `ddl-lab worker: run ${bundle} ended ${status.state} at step ${status.step}${status.error ? `: ${status.error}` : ''}\n`,
    );
    return status.state === 'failed' ? 1 : 0;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error), 1);
  }
}
