// DDL variants fine-tuned from a finished demo's own stage-1 runs, paired with that demo's
// classification-only fine-tunes: the experiment's paired design at a fraction of its cost when
// the demo already ran (its stage 1 and cls-only arms are deterministic given the seed, so an
// experiment would make the same runs again). For every seed of the demo, and every variant:
// a DDL fine-tune of the demo's stage 1 with the demo's stage-2 request (same seed, batches,
// steps, lr) and the variant's DDL options, evaluated on the demo's validation identities;
// then the demo's summary table (mean ± sd, paired difference, 95 % CI and p by Student's t).
//
//   cp -a DEMO_DATA_DIR COPY   # work on a copy: this adds runs and evaluations
//   npx tsx bench/ddl-on-demo-parents.ts --data-dir COPY --variant 'x100 teacher stop={"lambdaPos":10,"lambdaNeg":2,"teacherGradient":"stop"}' [--variant ...]
import { ensureDemoData } from '../app/demo/demo-data.js';
import type { RunEvaluation } from '../app/demo/demo-evaluate.js';
import { evaluateRun } from '../app/demo/demo-evaluate.js';
import { quickDemo } from '../app/demo/demo-settings.js';
import { formatSummaryTable, summarise, summaryByMetric, type DemoArm } from '../app/demo/demo-table.js';
import { stage2Request } from '../app/demo/run-demo.js';
import { initBackend } from '../app/engine/backend.js';
import { RunQueue } from '../app/experiments/run-queue.js';
import { openLabDatabase } from '../app/store/db.js';
import { evaluationIdsOfRun, getEvaluation } from '../app/store/evaluations-repo.js';
import { listRunRecords, type RunRecord } from '../app/store/runs-repository.js';
import { RunManager } from '../app/train/run-manager.js';

const args = process.argv.slice(2);
const dataDir = args[args.indexOf('--data-dir') + 1];
const variants = args
  .flatMap((a, i) => (args[i - 1] === '--variant' ? [a] : []))
  .map((text) => {
    const at = text.indexOf('=');
    return { name: text.slice(0, at), ddl: JSON.parse(text.slice(at + 1)) as Record<string, unknown> };
  });
if (!dataDir || args.indexOf('--data-dir') < 0 || variants.length === 0) {
  process.stderr.write('usage: tsx bench/ddl-on-demo-parents.ts --data-dir COPY --variant NAME=DDL_JSON [...]\n');
  process.exit(2);
}

const db = openLabDatabase(dataDir);
const manager = new RunManager(db, dataDir);
manager.recover();
await initBackend();
const train = await ensureDemoData(db, dataDir, quickDemo, 'train');
const validation = await ensureDemoData(db, dataDir, quickDemo, 'validation');
const runs = listRunRecords(db);
const named = (name: string): RunRecord | undefined => runs.find((r) => r.name === name && r.status === 'completed');
const seeds = [...new Set(runs.filter((r) => /^demo seed \d+: stage 1$/.test(r.name)).map((r) => r.seed))].sort(
  (a, b) => a - b,
);

/** The demo's stored evaluation of a run (the newest), as the demo's table reads it. */
function storedEvaluation(run: RunRecord): RunEvaluation {
  const id = Math.max(...evaluationIdsOfRun(db, run.id));
  const e = getEvaluation(db, id)!;
  return {
    runId: run.id,
    evaluationId: id,
    step: e.checkpointStep,
    verification: e.report,
    identification: e.identification!,
  };
}

const queue = new RunQueue(2);
const evaluations = new RunQueue(1); // one embedding at a time, in this process
const env = { LAB_THREADS: '1' };
const results = await Promise.all(
  variants.map(async (variant) => {
    // The variant's DDL options over the reference defaults, not over the demo's own choice.
    const settings = { ...quickDemo, stage2: { ...quickDemo.stage2, ddl: variant.ddl } };
    const perSeed = await Promise.all(
      seeds.map(async (seed) => {
        const stage1 = named(`demo seed ${seed}: stage 1`)!;
        const classification = named(`demo seed ${seed}: stage 2 classification`)!;
        const name = `demo seed ${seed}: stage 2 ddl (${variant.name})`;
        const existing = named(name);
        const ddl =
          existing ??
          (await queue.run(async () => {
            const created = manager.create(stage2Request(settings, train, stage1.id, 'ddl', seed, name));
            process.stderr.write(`${name}: run ${created.id}\n`);
            const final = await manager.start(created.id, { env }).done;
            if (final.status !== 'completed') throw new Error(`${name} ended ${final.status}: ${final.error}`);
            return final;
          }));
        const ddlEvaluation = evaluationIdsOfRun(db, ddl.id).length
          ? storedEvaluation(ddl)
          : await evaluations.run(() => evaluateRun(db, dataDir, ddl.id, validation));
        process.stderr.write(`${name}: evaluated\n`);
        return {
          stage1: storedEvaluation(stage1),
          classification: storedEvaluation(classification),
          ddl: ddlEvaluation,
        } as Record<DemoArm, RunEvaluation>;
      }),
    );
    return { variant, rows: summarise(perSeed) };
  }),
);
for (const { variant, rows } of results) {
  process.stdout.write(`\nvariant "${variant.name}" (${JSON.stringify(variant.ddl)}), seeds ${seeds.join(', ')}\n`);
  process.stdout.write(`${formatSummaryTable(rows, seeds.length)}\n`);
  process.stdout.write(`JSON ${JSON.stringify({ variant, seeds, summary: summaryByMetric(rows) })}\n`);
}
db.close();
