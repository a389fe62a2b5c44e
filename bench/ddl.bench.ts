// `npm run bench:ddl`: forward and forward + backward time of ddlLoss at the reference size
// (b = 256 per branch, R = 1000 bins, embedding 512) on the wasm and cpu backends; median of runs.
// The reference row is TFace's DDL in PyTorch on one CPU thread (bench/reference/ddl_torch.py),
// timed in the same run, in rounds alternating with ours (skipped with a message without python3-torch).
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../app/engine/backend.js';
import { loadAverage, median, runReference } from './reference.js';
import { Random } from '../app/util/random.js';
import { defaultDdlConfig } from '../app/losses/ddl/ddl-config.js';
import { ddlLoss, type DdlBranches } from '../app/losses/ddl/ddl-loss.js';

const batch = 256;
const embedding = 512;
const config = defaultDdlConfig; // the reference defaults: R = 1000 bins on [0, 1), sigma 0.1

function randomMatrix(rng: Random): tf.Tensor2D {
  return tf.tensor2d(
    Float32Array.from({ length: batch * embedding }, () => rng.normal()),
    [batch, embedding],
  );
}

function makeBranches(): DdlBranches {
  const rng = new Random(1);
  const anchors = [randomMatrix(rng), randomMatrix(rng)];
  // Positive pairs: the anchor plus noise, so pair cosines spread over (0, 1).
  const partner = (anchor: tf.Tensor2D, noise: number) =>
    tf.tidy(() => anchor.add(randomMatrix(rng).mul(noise)) as tf.Tensor2D);
  return {
    teacherSingles: randomMatrix(rng),
    studentSingles: randomMatrix(rng),
    teacherPairs: [anchors[0]!, partner(anchors[0]!, 0.7)],
    studentPairs: [anchors[1]!, partner(anchors[1]!, 1.5)],
  };
}

type Timing = { wall: number[]; cpu: number[] };

// Wall time, and this process's CPU time (user + system), which other load on a shared machine
// disturbs less.
async function timeIt(runs: number, step: () => Promise<void>): Promise<Timing> {
  await step(); // warm-up: kernel compilation, allocations
  const timing: Timing = { wall: [], cpu: [] };
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await step();
    timing.wall.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    timing.cpu.push((cpu.user + cpu.system) / 1000);
  }
  return timing;
}

async function benchBackend(name: string, runs: number): Promise<{ forward: Timing; forwardBackward: Timing }> {
  await tf.setBackend(name);
  await tf.ready();
  const branches = makeBranches();
  const inputs = [branches.teacherSingles, branches.studentSingles, ...branches.teacherPairs, ...branches.studentPairs];
  const withInputs = (xs: tf.Tensor[]): DdlBranches => ({
    teacherSingles: xs[0] as tf.Tensor2D,
    studentSingles: xs[1] as tf.Tensor2D,
    teacherPairs: [xs[2] as tf.Tensor2D, xs[3] as tf.Tensor2D],
    studentPairs: [xs[4] as tf.Tensor2D, xs[5] as tf.Tensor2D],
  });
  const forward = await timeIt(runs, async () => {
    const total = tf.tidy(() => ddlLoss(branches, config).total);
    await total.data();
    total.dispose();
  });
  const forwardBackward = await timeIt(runs, async () => {
    const grads = tf.tidy(() => tf.grads((...xs: tf.Tensor[]) => ddlLoss(withInputs(xs), config).total)(inputs));
    await Promise.all(grads.map((g) => g.data()));
    tf.dispose(grads);
  });
  const line = (label: string, t: Timing) =>
    `${label} ${fmt(median(t.wall))} wall (min ${fmt(Math.min(...t.wall))}), ${fmt(median(t.cpu))} cpu`;
  process.stdout.write(
    `${name.padEnd(5)} ${line('forward', forward)}   ${line('forward+backward', forwardBackward)}\n`,
  );
  tf.dispose(inputs);
  return { forward, forwardBackward };
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main(): Promise<void> {
  tf.enableProdMode();
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  process.stdout.write(
    `ddlLoss: b = ${batch} per branch (4 branches, ${batch} pairs each), R = ${config.bins.count} bins, embedding ${embedding}, compat ${config.compat}; median of ${runs} runs\n`,
  );
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  // The lab's backend setup (our kernels installed), on one thread like the reference.
  const info = await initBackend({ preferred: 'wasm', threads: 1 });
  process.stdout.write(`backend: ${info.detail}\n`);
  process.stdout.write(`load average ${loadAverage()}; ${rounds} rounds of ours (wasm) then PyTorch\n`);
  const keys = ['forward', 'forwardBackward', 'forwardCpu', 'forwardBackwardCpu'] as const;
  const ours = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<(typeof keys)[number], number[]>;
  const torch = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<(typeof keys)[number], number[]>;
  let skipped: string | undefined;
  for (let round = 0; round < rounds; round++) {
    const t = await benchBackend('wasm', runs);
    ours.forward.push(...t.forward.wall);
    ours.forwardBackward.push(...t.forwardBackward.wall);
    ours.forwardCpu.push(...t.forward.cpu);
    ours.forwardBackwardCpu.push(...t.forwardBackward.cpu);
    if (skipped) continue;
    const ref = runReference('ddl_torch.py', [batch, embedding, config.bins.count, runs]);
    if (!ref.ok) skipped = ref.reason;
    else {
      for (const key of keys) torch[key].push(...(ref.value[key] as number[]));
      process.stdout.write(
        `torch forward ${fmt(median(ref.value.forward as number[]))} wall   forward+backward ${fmt(median(ref.value.forwardBackward as number[]))} wall (PyTorch ${String(ref.value.torch)}, 1 thread)\n`,
      );
    }
  }
  if (skipped) process.stdout.write(`PyTorch reference skipped: ${skipped}\n`);
  else
    for (const key of keys) {
      const [a, b] = [median(ours[key]), median(torch[key])];
      const label = key.endsWith('Cpu') ? `${key.slice(0, -3)} (cpu time)` : `${key} (wall)`;
      process.stdout.write(
        `${label.padEnd(28)} ours (wasm) ${fmt(a)}  PyTorch 1 thread ${fmt(b)}  ratio ${(a / b).toFixed(2)}× (medians of ${ours[key].length} and ${torch[key].length} runs)\n`,
      );
    }
  if (process.env.BENCH_CPU !== '0') await benchBackend('cpu', Math.min(runs, 3));
  process.stdout.write(`load average at the end ${loadAverage()}\n`);
}

await main();
