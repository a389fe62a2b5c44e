// `npm run bench:engine [-- --quick] [-- --steps 15] [-- --nets mobilefacenet]`
// Forward ms, train-step ms (forward + backward + SGD update), images/s and train/forward per
// available backend, for (1) the probe net — input 64×32×32×3, conv3×3 s2 'same' 3→32, ReLU,
// conv 32→64, ReLU, conv 64→128, ReLU, flatten, dense 2048→128, no biases, loss mean(y²) — and
// (2) ir-lite at 48×48, batch 64, (3) MobileFaceNet at 112×112, batch 64 (1 and 2 threads).
// Medians of timed steps after warm-up, wall clock and the
// process's CPU time (the CPU figure is less disturbed by other work on a shared machine).
// Rows "…, XNNPACK only" = our kernels without the wasm SIMD kernels (the previous
// version: XNNPACK compositions); "before" = the same net with tfjs's stock kernels.
// Each configuration runs in its own process: a tfjs backend is chosen once per process.
// --quick skips the cpu backend (minutes of plain-JavaScript convolutions); --nets runs only the
// listed nets (comma list of probe, ir-lite, mobilefacenet; default all).
// The reference rows are the same nets in PyTorch on one CPU thread (bench/reference/train_step_torch.py:
// probe, ir-lite and MobileFaceNet, layer for layer, same parameter count), run right after our
// one-thread wasm rows of the same net with the same steps; skipped with a message without python3-torch.
// Threads: besides the 2-thread rows (their own processes), one process on the threaded build
// alternates train steps with 1 and 2 kernel-pool threads and prints the median of the per-pair
// ratios: this machine's speed drifts by ±20 % between processes, within a pair it mostly does not.
// PyTorch then runs the same pairs (torch.set_num_threads 1 and 2 alternating): what two threads
// give the reference on this machine, beside what they give us.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, type BackendInfo } from '../app/engine/backend.js';
import { setKernelPoolThreads } from '../app/engine/kernels/wasm/wasm-kernels.js';
import { setWasmTrainingKernels, uninstallTrainingKernels } from '../app/engine/training-kernels.js';
import { createBackbone } from '../app/models/index.js';
import { runReference } from './reference.js';

type Net = 'probe' | 'ir-lite' | 'mobilefacenet';
/** ours: as shipped; composed: without our wasm conv-gradient kernels (XNNPACK compositions only); stock: tfjs's own. */
type Kernels = 'ours' | 'composed' | 'stock';

interface Measured {
  backend: string;
  detail: string;
  threads: number;
  net: Net;
  kernels: Kernels;
  batch: number;
  /** Trainable elements, compared with the PyTorch reference's (equal = the same net). */
  parameters?: number;
  forward?: { wallMs: number; cpuMs: number; steps: number };
  train?: { wallMs: number; cpuMs: number; steps: number };
  error?: string;
  profile?: [string, number][];
  /** --alternate: train steps alternating 1 and `threads` pool threads in this process. */
  alternate?: { oneMs: number; manyMs: number; pairRatio: number; pairs: number };
}

const { values } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    net: { type: 'string', default: 'probe' },
    kernels: { type: 'string', default: 'ours' },
    steps: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    nets: { type: 'string', default: 'probe,ir-lite,mobilefacenet' },
    backend: { type: 'string' },
    reads: { type: 'boolean', default: false },
    alternate: { type: 'boolean', default: false },
  },
});

const say = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
type Timing = { wallMs: number; cpuMs: number };

/** The probe net as (forward, loss, variables), seeded. */
function probeNet(): { forward: () => tf.Tensor; loss: () => tf.Scalar; variables: tf.Variable[]; batch: number } {
  const init = (shape: number[], fanIn: number, seed: number) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed));
  const x = tf.randomUniform([64, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
  const w1 = init([3, 3, 3, 32], 27, 2),
    w2 = init([3, 3, 32, 64], 288, 3),
    w3 = init([3, 3, 64, 128], 576, 4),
    w4 = init([2048, 128], 2048, 5);
  const forward = () => {
    let h = tf.relu(tf.conv2d(x, w1 as tf.Tensor4D, 2, 'same'));
    h = tf.relu(tf.conv2d(h, w2 as tf.Tensor4D, 2, 'same'));
    h = tf.relu(tf.conv2d(h, w3 as tf.Tensor4D, 2, 'same'));
    return tf.matMul(h.reshape([64, 2048]), w4);
  };
  return { forward, loss: () => tf.mean(tf.square(forward())) as tf.Scalar, variables: [w1, w2, w3, w4], batch: 64 };
}

function irLite(): { forward: () => tf.Tensor; loss: () => tf.Scalar; variables: tf.Variable[]; batch: number } {
  const backbone = createBackbone({ name: 'ir-lite', inputSize: 48, seed: 1 });
  const x = tf.randomUniform([64, 48, 48, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
  const forward = () => backbone.embed(x, true); // training mode, as inside a train step
  return {
    forward,
    loss: () => tf.mean(tf.square(forward())) as tf.Scalar,
    variables: backbone.trainableVariables().map((v) => v.variable),
    batch: 64,
  };
}

/** MobileFaceNet (app/models/zoo) at 112×112, batch 64: depthwise convs, whose gradients are our kernels on wasm. */
function mobileFaceNet(): { forward: () => tf.Tensor; loss: () => tf.Scalar; variables: tf.Variable[]; batch: number } {
  const backbone = createBackbone({ name: 'mobilefacenet', seed: 1 });
  const x = tf.randomUniform([64, 112, 112, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
  const forward = () => backbone.embed(x, true);
  return {
    forward,
    loss: () => tf.mean(tf.square(forward())) as tf.Scalar,
    variables: backbone.trainableVariables().map((v) => v.variable),
    batch: 64,
  };
}

function timeSteps(work: () => void, warmup: number, steps: number): { wallMs: number; cpuMs: number; steps: number } {
  for (let i = 0; i < warmup; i++) work();
  const walls: number[] = [],
    cpuTimes: number[] = [];
  for (let i = 0; i < steps; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    work();
    walls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  return { wallMs: median(walls), cpuMs: median(cpuTimes), steps };
}

/** `pairs` pairs of train steps, one with 1 kernel-pool thread and one with `threads`, after `warmup` pairs. */
function alternateThreads(
  step: () => tf.Scalar,
  threads: number,
  pairs: number,
  warmup: number,
): Measured['alternate'] {
  const timed = (poolThreads: number) => {
    setKernelPoolThreads(poolThreads);
    const start = performance.now();
    tf.tidy(() => {
      step().dataSync();
    });
    return performance.now() - start;
  };
  for (let i = 0; i < warmup; i++) [1, threads].forEach(timed);
  const one: number[] = [],
    many: number[] = [];
  for (let i = 0; i < pairs; i++) {
    one.push(timed(1));
    many.push(timed(threads));
  }
  setKernelPoolThreads(threads);
  return {
    oneMs: median(one),
    manyMs: median(many),
    pairRatio: median(one.map((t, i) => t / many[i]!)),
    pairs,
  };
}

/** Median over 5 train steps of the CPU time per kernel name (tfjs's profiler, CPU-time clock). */
async function kernelProfile(step: () => tf.Tensor): Promise<[string, number][]> {
  const backend = tf.engine().backend as tf.KernelBackend & { time(f: () => void): Promise<{ kernelMs: number }> };
  const wallClock = backend.time.bind(backend);
  backend.time = async (f) => {
    const cpu = process.cpuUsage();
    f();
    const used = process.cpuUsage(cpu);
    return { kernelMs: (used.user + used.system) / 1000 };
  };
  try {
    const perKernel = new Map<string, number[]>();
    for (let i = 0; i < 5; i++) {
      const profile = await tf.profile(() => step());
      const totals = new Map<string, number>();
      for (const k of profile.kernels) totals.set(k.name, (totals.get(k.name) ?? 0) + (k.kernelTimeMs as number));
      for (const [name, ms] of totals) perKernel.set(name, [...(perKernel.get(name) ?? []), ms]);
    }
    return [...perKernel]
      .map(([name, ms]): [string, number] => [name, median(ms)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8);
  } finally {
    backend.time = wallClock;
  }
}

async function child(): Promise<void> {
  const info: BackendInfo = await initBackend();
  const net = values.net as Net,
    kernels = values.kernels as Kernels;
  if (kernels === 'stock') uninstallTrainingKernels();
  if (kernels === 'composed') setWasmTrainingKernels(false);
  const steps = Number(values.steps),
    warmup = Number(values.warmup);
  const model = net === 'probe' ? probeNet() : net === 'ir-lite' ? irLite() : mobileFaceNet();
  const optimizer = tf.train.sgd(0.001);
  const result: Measured = {
    backend: info.name,
    detail: info.detail,
    threads: info.threads,
    net,
    kernels,
    batch: model.batch,
    parameters: model.variables.reduce((n, v) => n + v.size, 0),
  };
  const trainStep = () => optimizer.minimize(model.loss, true, model.variables)!;
  try {
    if (values.alternate) {
      result.alternate = alternateThreads(trainStep, info.threads, steps, warmup);
      say(JSON.stringify(result));
      return;
    }
    result.forward = timeSteps(
      () =>
        tf.tidy(() => {
          model.forward().dataSync();
        }),
      warmup,
      steps,
    );
    result.train = timeSteps(
      () =>
        tf.tidy(() => {
          trainStep().dataSync();
        }),
      warmup,
      steps,
    );
    if (values.profile) result.profile = await kernelProfile(trainStep);
  } catch (error) {
    result.error = (error as Error).message.split('\n')[0];
  }
  say(JSON.stringify(result));
}

interface Config {
  label: string;
  env: Record<string, string>;
  net: Net;
  kernels: Kernels;
  steps: number;
  warmup: number;
  profile?: boolean;
  alternate?: boolean;
}

function runChild(config: Config): Measured & { label: string } {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    '--child',
    '--net',
    config.net,
    '--kernels',
    config.kernels,
    '--steps',
    String(config.steps),
    '--warmup',
    String(config.warmup),
  ];
  if (config.profile) args.push('--profile');
  if (config.alternate) args.push('--alternate');
  const run = spawnSync(process.execPath, args, {
    env: { ...process.env, ...config.env },
    encoding: 'utf8',
    timeout: 30 * 60_000,
  });
  const line = run.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!line)
    return {
      label: config.label,
      backend: config.env.LAB_BACKEND ?? '?',
      detail: '',
      threads: 0,
      net: config.net,
      kernels: config.kernels,
      batch: 64,
      error: `child failed (${run.status}): ${run.stderr.trim().split('\n').pop()}`,
    };
  return { label: config.label, ...(JSON.parse(line) as Measured) };
}

async function parent(): Promise<void> {
  const steps = Number(values.steps);
  const allNets: Net[] = ['probe', 'ir-lite', 'mobilefacenet'];
  const nets = values.nets.split(',') as Net[];
  const unknown = nets.filter((net) => !allNets.includes(net));
  if (unknown.length > 0)
    throw new Error(`--nets ${values.nets}: no net ${unknown.join(', ')}; give a comma list of ${allNets.join(', ')}`);
  say(
    `bench:engine on ${cpus().length} cores (${cpus()[0]?.model}), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} — other work on the machine slows every figure; CPU ms are less affected.`,
  );
  const tensorflowAvailable = await import('@tensorflow/tfjs-node' as string).then(
    () => true,
    () =>
      import('@tensorflow/tfjs-node-gpu' as string).then(
        () => true,
        () => false,
      ),
  );
  const configs: Config[] = [];
  const add = (
    label: string,
    env: Record<string, string>,
    net: Net,
    kernels: Kernels,
    n = steps,
    warmup = 3,
    profile = false,
  ) => configs.push({ label, env, net, kernels, steps: n, warmup, profile });
  for (const net of (['probe', 'ir-lite'] as Net[]).filter((n) => nets.includes(n))) {
    if (tensorflowAvailable) add('tensorflow', { LAB_BACKEND: 'tensorflow' }, net, 'ours');
    // One thread, whatever the default (the idle cores) would pick: the reference runs on one too.
    add('wasm', { LAB_BACKEND: 'wasm', LAB_THREADS: '1' }, net, 'ours', steps, 3, true);
    add('wasm', { LAB_BACKEND: 'wasm', LAB_THREADS: '1' }, net, 'composed');
    add('wasm', { LAB_BACKEND: 'wasm', LAB_THREADS: '1' }, net, 'stock', 2, 1);
    if (cpus().length > 1)
      add(
        `wasm ${Math.min(cpus().length, 2)} threads`,
        { LAB_BACKEND: 'wasm', LAB_THREADS: String(Math.min(cpus().length, 2)) },
        net,
        'ours',
      );
    // Before the thread fix: XNNPACK's own pool on the same threads as our kernels' pool.
    if (cpus().length > 1 && net === 'ir-lite')
      add(
        `wasm 2 threads, XNNPACK 2`,
        { LAB_BACKEND: 'wasm', LAB_THREADS: '2', LAB_XNNPACK_THREADS: '2' },
        net,
        'ours',
      );
    if (cpus().length > 1 && net === 'ir-lite')
      configs.push({
        label: 'wasm 2 threads, alternating',
        env: { LAB_BACKEND: 'wasm', LAB_THREADS: '2' },
        net,
        kernels: 'ours',
        steps,
        warmup: 3,
        alternate: true,
      });
    if (!values.quick) {
      // Plain-JavaScript convolutions: a few steps only (said in the table).
      add('cpu', { LAB_BACKEND: 'cpu' }, net, 'ours', net === 'probe' ? 3 : 1, 1);
      if (net === 'probe') add('cpu', { LAB_BACKEND: 'cpu' }, net, 'stock', 1, 0);
    }
  }
  // MobileFaceNet 112 px, batch 64: a few steps (seconds each); stock tfjs-wasm cannot train it
  // (no depthwise gradient), which its "before" column shows.
  // The one-thread row is followed by its PyTorch reference (same 3 steps after 1 warm-up).
  if (nets.includes('mobilefacenet')) {
    add('wasm', { LAB_BACKEND: 'wasm', LAB_THREADS: '1' }, 'mobilefacenet', 'ours', 3, 1);
    add('wasm', { LAB_BACKEND: 'wasm', LAB_THREADS: '1' }, 'mobilefacenet', 'stock', 1, 0);
    add('wasm 2 threads', { LAB_BACKEND: 'wasm', LAB_THREADS: '2' }, 'mobilefacenet', 'ours', 3, 1);
  }
  const torchRows = new Map<Net, { forward: Timing; train: Timing; steps: number; parameters: number } | string>();
  const torchAlternating = new Map<Net, NonNullable<Measured['alternate']> | string>();
  const results = configs.map((config) => {
    process.stderr.write(`running ${config.label} ${config.net} (${config.kernels} kernels)…\n`);
    const result = runChild(config);
    // A PyTorch reference row per net (bench/reference/train_step_torch.py), as many steps as ours.
    if (config.label === 'wasm' && config.kernels === 'ours') {
      process.stderr.write(`running PyTorch ${config.net} (1 thread)…\n`);
      const ref = runReference('train_step_torch.py', [config.net, config.steps, config.warmup]);
      const medians = (t: { wall: number[]; cpu: number[] }) => ({ wallMs: median(t.wall), cpuMs: median(t.cpu) });
      torchRows.set(
        config.net,
        ref.ok
          ? {
              forward: medians(ref.value.forward as { wall: number[]; cpu: number[] }),
              train: medians(ref.value.train as { wall: number[]; cpu: number[] }),
              steps: config.steps,
              parameters: Number(ref.value.parameters),
            }
          : ref.reason,
      );
    }
    // The same pairs in PyTorch: how far two threads go for the reference on this machine.
    if (config.alternate && result.alternate) {
      process.stderr.write(`running PyTorch ${config.net} (1 vs ${result.threads} threads alternating)…\n`);
      const ref = runReference('train_step_torch.py', [config.net, config.steps, config.warmup, result.threads]);
      const times = ref.ok ? (ref.value.alternate as { one: number[]; many: number[] }) : undefined;
      torchAlternating.set(
        config.net,
        times
          ? {
              oneMs: median(times.one),
              manyMs: median(times.many),
              pairRatio: median(times.one.map((t, i) => t / times.many[i]!)),
              pairs: times.one.length,
            }
          : ref.ok
            ? 'no alternating times in its output'
            : ref.reason,
      );
    }
    return result;
  });

  const fmt = (x: number | undefined, digits = 1) => (x === undefined ? '—' : x.toFixed(digits));
  say('');
  say(
    `net      ${'backend'.padEnd(28)} threads  fwd ms (cpu)      train ms (cpu)      img/s  train/fwd  steps  before: stock-kernel train ms`,
  );
  for (const r of results.filter(
    (x) => x.kernels !== 'stock' && !x.alternate && x.label !== 'wasm 2 threads, alternating',
  )) {
    const label = r.kernels === 'composed' ? `${r.label}, XNNPACK only` : r.label;
    const stock = results.find((x) => x.kernels === 'stock' && x.net === r.net && x.label === r.label);
    const before = !stock
      ? 'not run'
      : stock.train
        ? `${fmt(stock.train.wallMs)} (cpu ${fmt(stock.train.cpuMs)}, ${stock.train.steps} step${stock.train.steps > 1 ? 's' : ''})`
        : `fails: ${stock.error}`;
    if (r.error || !r.forward || !r.train) {
      say(`${r.net.padEnd(8)} ${label.padEnd(28)} error: ${r.error}`);
      continue;
    }
    const imagesPerSecond = (r.batch * 1000) / r.train.wallMs;
    say(
      `${r.net.padEnd(8)} ${label.padEnd(28)} ${String(r.threads).padStart(7)}  ${`${fmt(r.forward.wallMs)} (${fmt(r.forward.cpuMs)})`.padEnd(16)}  ${`${fmt(r.train.wallMs)} (${fmt(r.train.cpuMs)})`.padEnd(18)}  ${fmt(imagesPerSecond, 0).padStart(5)}  ${fmt(r.train.wallMs / r.forward.wallMs, 2).padStart(9)}  ${String(r.train.steps).padStart(5)}  ${before}`,
    );
  }
  for (const [net, row] of torchRows) {
    if (typeof row === 'string') {
      say(`${net.padEnd(8)} PyTorch 1.13, 1 thread: skipped (${row})`);
      continue;
    }
    say(
      `${net.padEnd(8)} ${'PyTorch 1.13 cpu'.padEnd(28)} ${'1'.padStart(7)}  ${`${fmt(row.forward.wallMs)} (${fmt(row.forward.cpuMs)})`.padEnd(16)}  ${`${fmt(row.train.wallMs)} (${fmt(row.train.cpuMs)})`.padEnd(18)}  ${fmt((64 * 1000) / row.train.wallMs, 0).padStart(5)}  ${fmt(row.train.wallMs / row.forward.wallMs, 2).padStart(9)}  ${String(row.steps).padStart(5)}`,
    );
  }
  for (const [net, row] of torchRows) {
    const ours = results.find((x) => x.label === 'wasm' && x.net === net && x.kernels === 'ours');
    if (typeof row === 'string' || !ours?.train) continue;
    const sameNet =
      ours.parameters === row.parameters
        ? `${row.parameters} trainable parameters in both`
        : `NOT THE SAME NET: ${ours.parameters} trainable parameters here, ${row.parameters} in PyTorch`;
    say(
      `${net} train step, ours (wasm, 1 thread) / PyTorch (1 thread): ${(ours.train.wallMs / row.train.wallMs).toFixed(2)}× wall, ${(ours.train.cpuMs / row.train.cpuMs).toFixed(2)}× CPU time (${sameNet})`,
    );
  }
  for (const r of results.filter((x) => x.label === 'wasm 2 threads, alternating')) {
    const a = r.alternate;
    say(
      a
        ? `${r.net} train step, 1 vs ${r.threads} kernel-pool threads alternating in one process (threaded build, ${a.pairs} pairs): ${fmt(a.oneMs)} vs ${fmt(a.manyMs)} ms (medians), median pair ratio ${a.pairRatio.toFixed(2)}×`
        : `${r.net} 1 vs 2 threads alternating: error: ${r.error}`,
    );
    const ref = torchAlternating.get(r.net);
    if (ref === undefined) continue;
    say(
      typeof ref === 'string'
        ? `${r.net} PyTorch 1 vs ${r.threads} threads alternating: skipped (${ref})`
        : `${r.net} train step, PyTorch 1.13 1 vs ${r.threads} intra-op threads alternating in one process (${ref.pairs} pairs): ${fmt(ref.oneMs)} vs ${fmt(ref.manyMs)} ms (medians), median pair ratio ${ref.pairRatio.toFixed(2)}×${a ? `; ours / PyTorch's gain from ${r.threads} threads: ${(a.pairRatio / ref.pairRatio).toFixed(2)}` : ''}`,
    );
  }
  say('');
  say(
    `Medians of ${steps} timed steps after 3 warm-up steps, except where "steps" says fewer (MobileFaceNet, ours and PyTorch: after 1 warm-up step): the cpu backend's plain-JavaScript convolutions take seconds per step, and its stock kernels ~30 s.`,
  );
  say(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const r of results.filter((x) => x.profile)) {
    say(
      `where ${r.label} ${r.net} train-step CPU time goes (median ms per kernel over 5 steps; customGrad ops appear both as "unnamed scope" and as their kernels): ${r.profile!.map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(', ')}`,
    );
  }
  const detail = results.find((x) => x.label === 'wasm')?.detail;
  if (detail) say(`wasm backend in use: ${detail}.`);
  const probe = results.find((x) => x.label === 'wasm' && x.net === 'probe' && x.kernels === 'ours');
  say(`probe-net wasm train-step ms: ${probe?.train ? probe.train.wallMs.toFixed(1) : 'n/a'}`);
}

if (values.backend !== undefined && values.backend !== 'webgpu')
  throw new Error(`--backend ${values.backend}: only webgpu has its own figures; without --backend every backend runs`);
// --backend webgpu and --reads: bench/webgpu-and-reads.ts.
if (values.backend === 'webgpu') await (await import('./webgpu-and-reads.js')).webgpuBench(Number(values.steps));
else if (values.reads) await (await import('./webgpu-and-reads.js')).readsBench(Number(values.steps));
else await (values.child ? child() : parent());
