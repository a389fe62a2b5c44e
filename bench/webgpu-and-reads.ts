// Two engine figures that bench/engine.bench.ts delegates to:
//   npm run bench:engine -- --backend webgpu   the probe net's train step on webgpu (whatever adapter
//                                              Dawn opens; LAB_GPU picks one) and its gradients' error
//                                              against the cpu backend.
//   npm run bench:engine -- --reads            wasm: a training step that reads its scalars with
//                                              dataSync (the trainer before) and with one await data()
//                                              (the trainer now), alternating in one process.
import * as tf from '@tensorflow/tfjs';
import { cpus, loadavg } from 'node:os';
import { initBackend, quietCpuBackend } from '../app/engine/backend.js';
import { relativeError } from '../app/engine/testing.js';
import { describeAdapter } from '../app/engine/webgpu-adapter.js';
import { crossEntropy } from '../app/losses/heads/cross-entropy.js';
import { createHead } from '../app/losses/heads/create-head.js';
import { createBackbone } from '../app/models/index.js';
import { clipToNorm, globalNorm, SgdMomentum } from '../app/train/sgd.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const machine = () =>
  `${cpus().length} cores (${cpus()[0]?.model}), load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; other work on the machine slows every figure`;

/** engine.bench.ts's probe net (64×32×32×3, three 3×3 stride-2 convs, a dense layer), seeded. */
function probeNet(batch = 64) {
  const init = (shape: number[], fanIn: number, seed: number) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed));
  const x = tf.randomUniform([batch, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
  const w = [init([3, 3, 3, 32], 27, 2), init([3, 3, 32, 64], 288, 3), init([3, 3, 64, 128], 576, 4)];
  const dense = init([2048, 128], 2048, 5);
  const loss = () => {
    let h: tf.Tensor4D = x;
    for (const k of w) h = tf.relu(tf.conv2d(h, k as tf.Tensor4D, 2, 'same'));
    return tf.mean(tf.square(tf.matMul(h.reshape([batch, 2048]), dense))) as tf.Scalar;
  };
  return { loss, variables: [...w, dense], dispose: () => tf.dispose([x, ...w, dense]) };
}

/** The probe net's gradients on 8 images (the cpu backend takes minutes for 64). */
async function probeGradients(backend: string): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const net = probeNet(8);
  const { grads } = tf.variableGrads(net.loss, net.variables);
  const values = (await Promise.all(net.variables.map((v) => grads[v.name]!.data()))) as Float32Array[];
  tf.dispose(grads);
  net.dispose();
  return values;
}

export async function webgpuBench(steps: number): Promise<void> {
  process.env.LAB_BACKEND = 'webgpu';
  const info = await initBackend();
  const adapter = info.adapter!;
  say(`bench:engine --backend webgpu on ${machine()}.`);
  say(`adapter: ${describeAdapter(adapter)}`);
  if (adapter.software)
    say(
      `note: ${adapter.description} is a software adapter (the CPU runs the GPU's work): these figures are not a GPU's.`,
    );
  // The cpu reference first: webgpu's data cannot move back to cpu synchronously.
  quietCpuBackend();
  const reference = await probeGradients('cpu');
  const onWebgpu = await probeGradients('webgpu');
  const gradError = Math.max(...onWebgpu.map((g, i) => relativeError(g, reference[i]!)));

  await tf.setBackend('webgpu');
  const net = probeNet();
  const optimizer = tf.train.sgd(0.001);
  const times: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const start = performance.now();
    const loss = optimizer.minimize(net.loss, true, net.variables)!;
    await loss.data(); // waits for the device
    loss.dispose();
    if (i >= 2) times.push(performance.now() - start); // 2 warm-up steps compile the shaders
  }
  net.dispose();
  say(`probe-net webgpu train-step ms: ${median(times).toFixed(1)}`);
  say(`probe-net webgpu max rel grad err vs cpu: ${gradError.toExponential(2)} (8 images)`);
  say(`(median of ${steps} steps after 2 warm-up steps; ${info.detail})`);
}

/** ir-lite at 32 px, batch 32, CosFace: the trainer's step with its two ways of reading the results. */
export async function readsBench(steps: number): Promise<void> {
  process.env.LAB_BACKEND = 'wasm';
  const info = await initBackend();
  say(`bench:engine --reads on ${machine()}; ${info.detail}.`);
  const backbone = createBackbone({ name: 'ir-lite', inputSize: 32, seed: 1 });
  const head = createHead({ type: 'cosface' });
  const classifier = tf.variable(tf.randomNormal([backbone.embeddingSize, 50], 0, 0.01, 'float32', 2));
  const sgd = new SgdMomentum([...backbone.trainableVariables(), { variable: classifier, decay: true }], {
    momentum: 0.9,
    weightDecay: 5e-4,
  });
  const variables = sgd.parameters.map((p) => p.variable);
  const x = tf.randomUniform([32, 32, 32, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
  const labels = tf.tensor1d(
    Array.from({ length: 32 }, (_, i) => i % 50),
    'int32',
  );
  const lossOf = () => {
    const cls = crossEntropy(head.logits(backbone.embed(x, true), classifier as tf.Tensor2D, labels, true), labels);
    return { total: cls, scalars: { cls: tf.keep(cls.clone()) } };
  };
  const step = async (mode: 'sync' | 'async') => {
    const out: { scalars?: Record<string, tf.Scalar> } = {};
    const { value, grads } = tf.variableGrads(() => {
      const l = lossOf();
      out.scalars = l.scalars;
      return l.total;
    }, variables);
    const names = Object.keys(out.scalars!);
    let norm: number;
    if (mode === 'sync') {
      // Before: the norm, the terms and the total, each read with dataSync.
      norm = tf.tidy(() => globalNorm(grads).dataSync()[0]!);
      tf.tidy(() => tf.stack(names.map((n) => out.scalars![n]!)).dataSync());
      value.dataSync();
    } else {
      const all = tf.tidy(() => tf.stack([...names.map((n) => out.scalars![n]!), value, globalNorm(grads)]));
      const values = await all.data();
      all.dispose();
      norm = values[names.length + 1]!;
    }
    const clipped = clipToNorm(grads, norm, 5);
    sgd.apply(clipped, 0.01);
    tf.dispose([value, grads, clipped, Object.values(out.scalars!)]);
  };
  const times: Record<'sync' | 'async', number[]> = { sync: [], async: [] };
  for (let i = 0; i < 2; i++) {
    await step('sync');
    await step('async');
  }
  for (let i = 0; i < steps; i++) {
    for (const mode of i % 2 === 0 ? (['sync', 'async'] as const) : (['async', 'sync'] as const)) {
      const start = performance.now();
      await step(mode);
      times[mode].push(performance.now() - start);
    }
  }
  const before = median(times.sync),
    after = median(times.async);
  say(`ir-lite wasm train step, reads with dataSync (before) ms: ${before.toFixed(1)}`);
  say(`ir-lite wasm train step, one await data() (after) ms: ${after.toFixed(1)}`);
  say(`after / before: ${(after / before).toFixed(3)} (medians of ${steps} alternating steps each)`);
}
