// `ddl-lab demo [--quick] [--seeds N] [--first-seed S] [--json] [--data-dir D]` (= `npm run demo`): the main job
// headless. Makes the SynthFaces `pose` datasets if missing, trains stage 1, fine-tunes it twice
// (DDL and classification only, same checkpoint, seed and steps), evaluates all three on held-out
// identities and prints the comparison.
import { resolve } from 'node:path';
import { initBackend } from '../../../app/engine/backend.js';
import { formatDuration, remainingDemoSeconds, type DemoPosition } from '../../../app/demo/demo-eta.js';
import { pretrainedDemoSettings } from '../../../app/demo/demo-pretrained.js';
import { fullDemo, quickDemo } from '../../../app/demo/demo-settings.js';
import {
  armTitlesFor,
  formatSummaryTable,
  metricRows,
  summaryByMetric,
  type DemoArm,
} from '../../../app/demo/demo-table.js';
import { runDemo } from '../../../app/demo/run-demo.js';
import { isPretrainedName, pretrainedNames } from '../../../app/models/zoo/index.js';
import { SlurmExecutor } from '../../../app/executor/slurm-executor.js';
import { effectiveSlurmSettings, SlurmSettingsFileError } from '../../../app/executor/slurm-settings-file.js';
import type { SlurmSettings } from '../../../app/executor/slurm-settings.js';
import { defaultDataDir, openLabDatabase } from '../../../app/lab/lab.js';
import type { RunProgressEvent } from '../../../app/train/events.js';
import { progressBar } from '../../../app/train/progress-text.js';
import { TerminalProgress } from '../../../app/train/terminal-progress.js';
import { commandFailure, parseCommandLine } from '../command-line.js';

const usage = `Usage: ddl-lab demo [--quick] [--pretrained NAME] [--seeds N] [--first-seed S] [--json] [--data-dir DIR]
  --quick         tiny settings (about 2 minutes on 2 CPU cores, wasm)
  --pretrained NAME  the paper's protocol: fine-tune a pretrained model (ddl-lab models list;
                  mobilefacenet) instead of training stage 1; its own row is the untouched model.
                  Images at its input size (112 px); with --quick a few minutes on 2 cores.
                  The model is centred first (its mean embedding over the training images
                  subtracted in its last layer's bias)
  --no-centre     with --pretrained: the raw model instead (its different-person cosines are
                  ≈ 0.9999, so fine-tuning barely moves it)
  --seeds N       repeat the whole comparison with N seeds and report mean ± sd, and the paired
                  DDL - cls difference with its 95% CI and p (Student's t over seeds)
  --first-seed S  the first seed (default 1): seeds S..S+N-1
  --json      machine-readable result on stdout (progress still goes to stderr)
  --executor E  where the runs train: local (default) or slurm (batch jobs on run bundles;
              try it with npm run slurm:local)
  --shared-dir DIR  slurm: the folder the run bundles go to, visible from the nodes (default: the
              sharedDir of ddl-lab slurm settings, DATA_DIR/bundles; the other Slurm settings
              come from there too)
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      options: {
        quick: { type: 'boolean', default: false },
        pretrained: { type: 'string' },
        'no-centre': { type: 'boolean', default: false },
        seeds: { type: 'string', default: '1' },
        'first-seed': { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        executor: { type: 'string', default: 'local' },
        'shared-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    commandFailure('demo'),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const seeds = Number(values.seeds);
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 20) {
    process.stderr.write(`ddl-lab demo: --seeds must be a whole number from 1 to 20, got "${values.seeds}"\n`);
    return 2;
  }
  const firstSeed = Number(values['first-seed']);
  if (!Number.isInteger(firstSeed) || firstSeed < 0 || firstSeed + seeds - 1 > 2 ** 31 - 1) {
    process.stderr.write(
      `ddl-lab demo: --first-seed must be a whole number from 0 to ${2 ** 31 - seeds}, got "${values['first-seed']}"\n`,
    );
    return 2;
  }
  if (values.executor !== 'local' && values.executor !== 'slurm') {
    process.stderr.write(`ddl-lab demo: --executor must be local or slurm, got "${values.executor}"\n`);
    return 2;
  }
  if (values.pretrained !== undefined && !isPretrainedName(values.pretrained)) {
    process.stderr.write(
      `ddl-lab demo: --pretrained must be one of ${pretrainedNames.join(', ')} (ddl-lab models list), got "${values.pretrained}"\n`,
    );
    return 2;
  }
  if (values['no-centre'] && values.pretrained === undefined) {
    process.stderr.write(
      'ddl-lab demo: --no-centre goes with --pretrained NAME (only a pretrained start is centred)\n',
    );
    return 2;
  }
  const settings = values.pretrained
    ? pretrainedDemoSettings(values.pretrained, values.quick, !values['no-centre'])
    : values.quick
      ? quickDemo
      : fullDemo;
  const titles = armTitlesFor(settings.pretrained, settings.centre);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  let slurmSettings: SlurmSettings | undefined;
  try {
    const stored = values.executor === 'slurm' ? effectiveSlurmSettings(dataDir) : undefined;
    // The data folder's slurm.json (ddl-lab slurm settings); --shared-dir wins over its sharedDir.
    if (stored)
      slurmSettings = {
        ...stored,
        sharedDir: values['shared-dir'] ? resolve(values['shared-dir']) : stored.sharedDir,
        pollSeconds: stored.pollSeconds ?? 2,
      };
  } catch (error) {
    if (!(error instanceof SlurmSettingsFileError)) throw error;
    process.stderr.write(`ddl-lab demo: ${error.message}\n`);
    return 1;
  }
  const progress = new TerminalProgress(process.stderr, { plainEvery: 0.25 });
  const backend = await initBackend();
  progress.line(
    `DDL Lab demo (${values.quick ? 'quick' : 'full'}${settings.pretrained ? `, from the pretrained ${settings.pretrained}${settings.centre ? ', centred' : ''}` : ''}, ${seeds > 1 ? `seeds ${firstSeed}..${firstSeed + seeds - 1}` : `seed ${firstSeed}`}); data in ${dataDir}; backend ${backend.name}`,
  );

  const live = new Map<DemoArm, RunProgressEvent>();
  // Remaining time from the images/s of the runs training now (demo-eta.ts).
  const position: DemoPosition = { seed: 1, steps: {} };
  const eta = () => {
    const rate = [...live.values()].reduce((sum, e) => sum + e.imagesPerSecond, 0);
    const left = remainingDemoSeconds(settings, seeds, position, rate);
    return left === undefined ? '' : ` | ~${formatDuration(left)} left`;
  };
  const db = openLabDatabase(dataDir);
  try {
    const result = await runDemo(db, {
      dataDir,
      settings,
      seeds,
      firstSeed,
      executor: slurmSettings ? (manager) => new SlurmExecutor(manager.db, dataDir, slurmSettings) : undefined,
      onPhase: (text) => {
        live.clear();
        progress.line(`== ${text}`);
      },
      onProgress: (what, done, total) =>
        progress.update(`${what} ${progressBar(done / total)} ${done}/${total}`, done / total),
      onRunEvent: (event, arm, seed) => {
        if (event.type === 'run.progress') {
          live.set(arm, event);
          if (seed !== position.seed) Object.assign(position, { seed, steps: {} });
          position.steps[arm] = event.step;
          const parts = [...live.entries()].map(
            ([a, e]) =>
              `${titles[a]} ${e.step}/${e.totalSteps} ${progressBar(e.step / e.totalSteps, 12)} loss ${(e.terms.total ?? Number.NaN).toFixed(3)} ${Math.round(e.imagesPerSecond)} img/s`,
          );
          progress.update(parts.join(' | ') + eta(), Math.min(...[...live.values()].map((e) => e.step / e.totalSteps)));
        } else if (event.type === 'run.status' && event.status !== 'running') {
          progress.line(`${titles[arm]} run ${event.runId} ${event.status}${event.error ? `: ${event.error}` : ''}`);
        }
      },
    });
    if (values.json) {
      const rows = metricRows();
      process.stdout.write(
        `${JSON.stringify(
          {
            settings: result.settings,
            backend: result.backend,
            seconds: result.seconds,
            train: result.train,
            validation: result.validation,
            seeds: result.seeds.map((s) => ({
              seed: s.seed,
              runs: Object.fromEntries(
                Object.entries(s.runs).map(([arm, r]) => [arm, { id: r.id, status: r.status, steps: r.lastStep }]),
              ),
              metrics: Object.fromEntries(
                Object.entries(s.evaluations).map(([arm, e]) => [
                  arm,
                  Object.fromEntries(rows.map((row) => [row.key, row.get(e)])),
                ]),
              ),
            })),
            summary: summaryByMetric(result.summary),
            summaryRows: result.summary,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      const s = result.settings;
      process.stdout.write(
        [
          '',
          `Training: ${result.train.name}: ${result.train.images} images of ${result.train.identities} identities (dataset ${result.train.datasetId}).`,
          `Validation: ${result.validation.name}: other identities, never trained on (dataset ${result.validation.datasetId}, pair list ${result.validation.pairListId}).`,
          (s.pretrained
            ? `Stage 1: the pretrained ${s.pretrained} (${s.backbone.inputSize}px), untouched, classifier from the training identities' class means; `
            : `Stage 1: ${s.backbone.name} ${s.backbone.inputSize}px, ${s.head.type} head, ${s.stage1.steps} steps of ${s.stage1.batchSize}; `) +
            `stage 2: ${s.stage2.steps} steps of b = ${s.stage2.batchSize} per branch (${6 * s.stage2.batchSize} images), lr ${s.stage2.lr}, same seed and batches for both.`,
          `Runs: ${result.seeds.map((r) => `seed ${r.seed}: ${titles.stage1} #${r.runs.stage1.id}, cls-only #${r.runs.classification.id}, DDL #${r.runs.ddl.id}`).join('; ')}.`,
          '',
          formatSummaryTable(result.summary, result.seeds.length, titles),
          '',
          `Backend ${result.backend}; wall time ${result.seconds.total.toFixed(0)} s (data ${result.seconds.data.toFixed(0)} s, training ${result.seconds.training.toFixed(0)} s, evaluation ${result.seconds.evaluation.toFixed(0)} s).`,
          '',
        ].join('\n'),
      );
    }
    return 0;
  } finally {
    db.close();
  }
}
