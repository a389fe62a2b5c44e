// `npx tsx bench/ddl-sweep.ts [--seeds 3] [--data-dir D] [--variants ref,kl10,...] [--parallel 2]`
// Does DDL narrow the easy-hard gap on SynthFaces, and which of its knobs matter? Per seed: the quick
// demo's data and stage 1 (one checkpoint), then each stage-2 variant with DDL and the
// classification-only fine-tune it is paired with (same checkpoint, seed, batches and steps), all
// evaluated on the held-out identities. Prints, per variant, mean ± sd over seeds of DDL - cls.
// Completed runs are found again by name (the name holds a hash of the config), so a second call with
// more variants or seeds only trains what is new. Default data dir: <tmp>/ddl-lab-sweep (not the lab's).
import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { embedDataset } from '../app/eval/run/index.js';
import { initBackend } from '../app/engine/backend.js';
import { Random } from '../app/util/random.js';
import type { DdlConfigInput } from '../app/losses/ddl/ddl-config.js';
import { openLabDatabase, type LabDatabase } from '../app/store/db.js';
import { checkpointFolder, latestCheckpoint } from '../app/store/runs-checkpoints.js';
import type { RunRecord } from '../app/store/runs-repository.js';
import { splitMembers } from '../app/store/splits-repo.js';
import type { RunRequest } from '../app/train/run-checks.js';
import { RunManager } from '../app/train/run-manager.js';
import { ensureDemoData, type DemoData } from '../app/demo/demo-data.js';
import { evaluateRun, type RunEvaluation } from '../app/demo/demo-evaluate.js';
import { quickDemo, type DemoSettings } from '../app/demo/demo-settings.js';
import { aggregate, metricRows, type Aggregate } from '../app/demo/demo-table.js';
import { runToCompletion, sideBySideEnv, stage1Request, stage2Request } from '../app/demo/run-demo.js';

type Stage2 = DemoSettings['stage2'];

interface Variant {
  key: string;
  title: string;
  /** Stage-2 settings changed for both arms (steps, b): the cls baseline changes with them. */
  stage2?: Partial<Omit<Stage2, 'ddl'>>;
  /** DDL options; only `studentPairs` reaches the cls baseline (it changes the batches). */
  ddl?: DdlConfigInput;
}

const catalogue: Variant[] = [
  { key: 'ref', title: 'reference (λpos 0.1, λneg 0.02, λord 0.5)' },
  { key: 'kl10', title: 'λpos, λneg ×10 (1.0, 0.2)', ddl: { lambdaPos: 1, lambdaNeg: 0.2 } },
  { key: 'stop', title: "teacherGradient 'stop'", ddl: { teacherGradient: 'stop' } },
  { key: 'hardhard', title: 'studentPairs hard-hard', ddl: { studentPairs: 'hard-hard' } },
  { key: 'range', title: 'bins [-1, 1) ×2000 (keeps S < 0)', ddl: { bins: { min: -1, max: 1, count: 2000 } } },
  { key: 'steps2x', title: '2× steps (300; cls also 300)', stage2: { steps: 300 } },
  { key: 'sigma05', title: 'sigma 0.05', ddl: { sigma: 0.05 } },
  { key: 'kl30', title: 'λpos, λneg ×30 (3.0, 0.6)', ddl: { lambdaPos: 3, lambdaNeg: 0.6 } },
  { key: 'kl10stop', title: "λpos, λneg ×10 + 'stop'", ddl: { lambdaPos: 1, lambdaNeg: 0.2, teacherGradient: 'stop' } },
  { key: 'noorder', title: 'λord 0 (KL terms only)', ddl: { lambdaOrder: 0 } },
  { key: 'b16', title: 'b = 16 (cls also b = 16)', stage2: { batchSize: 16 } },
];
const defaultVariants = ['ref', 'kl10', 'stop', 'hardhard', 'range', 'steps2x'];

// The paired differences shown, by demo-table row key.
const columns: { key: string; title: string }[] = [
  { key: 'easy-hard.posMean', title: 'e-h E[S+]' },
  { key: 'easy-hard.margin', title: 'e-h margin' },
  { key: 'easy-easy.margin', title: 'e-e margin' },
  { key: 'marginGap', title: 'margin gap' },
  { key: 'easy-hard.accuracy', title: 'e-h acc' },
  { key: 'gap.accuracy', title: 'acc gap' },
  { key: 'rank1', title: 'rank-1' },
];

const usage =
  'Usage: npx tsx bench/ddl-sweep.ts [--seeds N] [--data-dir DIR] [--variants a,b,...] [--parallel P]\n' +
  `  variants: ${catalogue.map((v) => v.key).join(', ')} (default ${defaultVariants.join(',')})\n`;

const hash = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 8);
const log = (text: string) => process.stderr.write(`${text}\n`);

/** A completed run made from exactly this request earlier, or a new queued one. */
function findOrCreate(manager: RunManager, request: RunRequest, label: string): { run: RunRecord; fresh: boolean } {
  const name = `${label} [${hash(request.config)}]`;
  const done = manager.list({ datasetId: request.datasetId, status: ['completed'] }).find((r) => r.name === name);
  return done ? { run: done, fresh: false } : { run: manager.create({ ...request, name }), fresh: true };
}

async function pool<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const k = next++;
      results[k] = await tasks[k]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}

function withVariant(settings: DemoSettings, v: Variant, objective: 'ddl' | 'classification'): DemoSettings {
  const ddl = objective === 'ddl' ? v.ddl : v.ddl?.studentPairs ? { studentPairs: v.ddl.studentPairs } : undefined;
  return { ...settings, stage2: { ...settings.stage2, ...v.stage2, ddl } };
}

/** Cosines DDL sees in training batches of b singles / pairs, under a checkpoint (inference mode, no flips). */
async function similarityRange(
  db: LabDatabase,
  dataDir: string,
  train: DemoData,
  runId: number,
  b: number,
): Promise<string> {
  const checkpoint = latestCheckpoint(db, runId);
  if (!checkpoint) return `run ${runId} has no checkpoint`;
  const e = await embedDataset(db, dataDir, train.datasetId, join(checkpointFolder(dataDir, checkpoint), 'backbone'));
  const { easy, hard } = splitMembers(db, train.splitId);
  const byIdentity = (ids: number[]) => {
    const m = new Map<number, number[]>();
    for (const id of ids) {
      const row = e.rowOf.get(id)!;
      const c = e.labels[row]!;
      m.set(c, [...(m.get(c) ?? []), row]);
    }
    return m;
  };
  const easyOf = byIdentity(easy);
  const hardOf = byIdentity(hard);
  const cos = (a: number, c: number) => {
    let s = 0;
    for (let k = 0; k < e.dim; k++) s += e.embeddings[a * e.dim + k]! * e.embeddings[c * e.dim + k]!;
    return s;
  };
  const random = new Random(7);
  const pick = (rows: number[]) => rows[random.int(rows.length)]!;
  const stats = { easyNeg: [] as number[], hardNeg: [] as number[], easyPos: [] as number[], hardPos: [] as number[] };
  const hardest = (of: Map<number, number[]>, out: number[]) => {
    const ids = random.shuffle([...of.keys()]).slice(0, b);
    const rows = ids.map((c) => pick(of.get(c)!));
    for (const r of rows) out.push(Math.max(...rows.filter((o) => o !== r).map((o) => cos(r, o))));
  };
  for (let t = 0; t < 400; t++) {
    hardest(easyOf, stats.easyNeg);
    hardest(hardOf, stats.hardNeg);
  }
  for (const [c, rows] of easyOf) {
    for (let i = 0; i < rows.length; i++)
      for (let j = i + 1; j < rows.length; j++) stats.easyPos.push(cos(rows[i]!, rows[j]!));
    for (const h of hardOf.get(c) ?? []) for (const r of rows) stats.hardPos.push(cos(r, h));
  }
  const describe = (xs: number[]) => {
    const sorted = [...xs].sort((x, y) => x - y);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2);
    const below = (t: number) => `${((100 * xs.filter((x) => x < t).length) / xs.length).toFixed(0)}%`;
    return `mean ${(xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(3)}, 5/50/95% ${q(0.05)}/${q(0.5)}/${q(0.95)}, <0: ${below(0)}, <0.1: ${below(0.1)}`;
  };
  return [
    `  teacher neg (hardest of b=${b} easy singles): ${describe(stats.easyNeg)}`,
    `  student neg (hardest of b=${b} hard singles): ${describe(stats.hardNeg)}`,
    `  teacher pos (easy-easy pairs):                ${describe(stats.easyPos)}`,
    `  student pos (easy-hard pairs):                ${describe(stats.hardPos)}`,
  ].join('\n');
}

function cell(a: Aggregate): string {
  if (a.mean === null) return 'n/a';
  const m = Number(a.mean.toFixed(3)) === 0 ? 0 : a.mean;
  return `${m > 0 ? '+' : ''}${m.toFixed(3)}${a.sd !== null ? ` ± ${a.sd.toFixed(3)}` : ''}`;
}

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '3' },
      'data-dir': { type: 'string' },
      variants: { type: 'string' },
      parallel: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const seedCount = Number(values.seeds);
  const width = Number(values.parallel ?? (availableParallelism() >= 2 ? 2 : 1));
  const keys = values.variants ? values.variants.split(',').map((k) => k.trim()) : defaultVariants;
  const unknown = keys.filter((k) => !catalogue.some((v) => v.key === k));
  if (!Number.isInteger(seedCount) || seedCount < 1 || !Number.isInteger(width) || width < 1 || unknown.length > 0) {
    process.stderr.write(`${unknown.length > 0 ? `unknown variant(s) ${unknown.join(', ')}\n` : ''}${usage}`);
    return 2;
  }
  const variants = keys.map((k) => catalogue.find((v) => v.key === k)!);
  const dataDir = values['data-dir'] ?? join(tmpdir(), 'ddl-lab-sweep');
  const settings = quickDemo;
  const started = performance.now();
  const backend = await initBackend();
  log(
    `DDL sweep: ${variants.length} variants × ${seedCount} seeds, ${settings.label} demo settings, data in ${dataDir}, backend ${backend.name}, ${width} run(s) side by side`,
  );

  const db = openLabDatabase(dataDir);
  try {
    const manager = new RunManager(db, dataDir);
    manager.recover();
    const train = await ensureDemoData(db, dataDir, settings, 'train');
    const validation = await ensureDemoData(db, dataDir, settings, 'validation');
    const env = width > 1 ? sideBySideEnv(width) : undefined;
    const evaluations = new Map<number, RunEvaluation>();
    const evaluate = async (run: RunRecord) => {
      if (!evaluations.has(run.id)) evaluations.set(run.id, await evaluateRun(db, dataDir, run.id, validation));
      return evaluations.get(run.id)!;
    };
    // Per seed and variant: [DDL evaluation, cls evaluation].
    const pairs: Map<string, [RunEvaluation, RunEvaluation][]> = new Map(variants.map((v) => [v.key, []]));
    let ranges = '';

    for (let seed = 1; seed <= seedCount; seed++) {
      const s1 = findOrCreate(manager, stage1Request(settings, train, seed, ''), `sweep seed ${seed}: stage 1`);
      log(`seed ${seed}: stage 1 run ${s1.run.id}${s1.fresh ? ' training' : ' (reused)'}`);
      const stage1 = s1.fresh ? await runToCompletion(manager, s1.run.id, `stage 1 run ${s1.run.id}`) : s1.run;

      // Unique fine-tunes: variants that only change DDL options share their cls baseline.
      const jobs = new Map<string, { run: RunRecord; fresh: boolean; label: string }>();
      const armsOf = variants.map((v) =>
        (['ddl', 'classification'] as const).map((objective) => {
          const request = stage2Request(withVariant(settings, v, objective), train, stage1.id, objective, seed, '');
          const label = `sweep seed ${seed}: ${objective === 'ddl' ? v.key : 'cls'}`;
          const key = hash(request.config);
          if (!jobs.has(key)) jobs.set(key, { ...findOrCreate(manager, request, label), label });
          return key;
        }),
      );
      const todo = [...jobs.values()].filter((j) => j.fresh);
      log(
        `seed ${seed}: ${jobs.size} fine-tunes, ${todo.length} to train: ${todo.map((j) => `${j.label} #${j.run.id}`).join(', ')}`,
      );
      await pool(
        todo.map((j) => async () => {
          const t0 = performance.now();
          j.run = await runToCompletion(manager, j.run.id, `${j.label} run ${j.run.id}`, env);
          log(`  ${j.label} #${j.run.id} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
        }),
        width,
      );

      for (const [k, v] of variants.entries()) {
        const [ddlKey, clsKey] = armsOf[k]!;
        pairs.get(v.key)!.push([await evaluate(jobs.get(ddlKey!)!.run), await evaluate(jobs.get(clsKey!)!.run)]);
      }
      if (seed === 1) {
        const refDdl = variants[0] ? jobs.get(armsOf[0]![0]!)!.run : undefined;
        ranges =
          `Training-batch cosines (seed 1, b = ${settings.stage2.batchSize}; inference-mode embeddings of the training images):\n` +
          `stage 1 (run ${stage1.id}):\n${await similarityRange(db, dataDir, train, stage1.id, settings.stage2.batchSize)}\n` +
          (refDdl
            ? `after ${variants[0]!.key} DDL (run ${refDdl.id}):\n${await similarityRange(db, dataDir, train, refDdl.id, settings.stage2.batchSize)}\n`
            : '');
      }
    }

    const rows = metricRows();
    const get = (key: string) => rows.find((r) => r.key === key)!.get;
    const body = variants.map((v) => {
      const list = pairs.get(v.key)!;
      const diffs = columns.map((c) =>
        aggregate(
          list.map(([d, cls]) => {
            const a = get(c.key)(d);
            const b = get(c.key)(cls);
            return a === null || b === null ? null : a - b;
          }),
        ),
      );
      const gapDiffs = list.map(([d, cls]) => get('marginGap')(d)! - get('marginGap')(cls)!);
      return [
        v.title,
        ...diffs.map(cell),
        `${gapDiffs.filter((g) => g < 0).length}/${list.length} (${gapDiffs.map((g) => g.toFixed(3)).join(' ')})`,
      ];
    });
    const baselines = variants.map((v) => {
      const list = pairs.get(v.key)!;
      return [
        v.title,
        ...columns.map((c) => cell(aggregate(list.map(([, cls]) => get(c.key)(cls)))).replace(/^\+/, '')),
        '',
      ];
    });
    const s2 = settings.stage2;
    process.stdout.write(
      [
        '',
        `DDL - cls-only fine-tune, paired per seed (same stage-1 checkpoint, seed, batches, steps); mean ± sd over ${seedCount} seed(s).`,
        `Quick demo settings: stage 1 ${settings.stage1.steps} steps; stage 2 ${s2.steps} steps, b = ${s2.batchSize}, lr ${s2.lr}, ${settings.head.type} head; ` +
          `validation: ${validation.identities} held-out identities. e-h = easy-hard, e-e = easy-easy; gaps = e-e - e-h (lower is better).`,
        '',
        table(['variant', ...columns.map((c) => c.title), 'gap narrowed (per seed)'], body),
        '',
        'The cls-only baselines (absolute values, mean ± sd):',
        table(['paired with', ...columns.map((c) => c.title), ''], baselines),
        '',
        ranges,
        `Backend ${backend.name}; wall time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    db.close();
  }
}

process.exitCode = await main();
