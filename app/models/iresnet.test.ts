import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { channelKernelCalls } from '../engine/kernels/channel-kernels.js';
import { lastFilterGradPlan } from '../engine/kernels/conv2d-backprop-filter.js';
import { setWasmTrainingKernels } from '../engine/training-kernels.js';
import { relativeError, seededNormal, valuesOn } from '../engine/testing.js';
import { backboneInputRange, createBackbone, parameterCount, resolveBackboneSpec } from './index.js';
import type { Backbone, BackboneSpec } from './types.js';

// Tiny ir-lite settings keep each test to a second or two on a shared 2-core machine.
const tiny: BackboneSpec = {
  name: 'ir-lite',
  inputSize: 32,
  widths: [4, 8, 8, 8],
  depths: [1, 1, 1, 1],
  embeddingSize: 16,
  seed: 3,
};

function images(n: number, seed: number): tf.Tensor4D {
  return tf.tidy(
    () => tf.clipByValue(tf.tensor4d(seededNormal([n, 32, 32, 3], seed), [n, 32, 32, 3]), -1, 1) as tf.Tensor4D,
  );
}

/** Softmax cross-entropy of a linear classifier on the embeddings. */
function classifierLoss(backbone: Backbone, x: tf.Tensor4D, labels: tf.Tensor2D, classifier: tf.Tensor2D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(labels, tf.matMul(backbone.embed(x, true), classifier)) as tf.Scalar;
}

describe('IResNet backbones', () => {
  beforeAll(async () => {
    await initBackend({ preferred: 'wasm' });
  });

  it('resolves specs with defaults and rejects bad fields by name', () => {
    expect(resolveBackboneSpec({ name: 'ir-lite' })).toEqual({
      name: 'ir-lite',
      inputSize: 32,
      embeddingSize: 128,
      widths: [16, 32, 64, 128],
      depths: [1, 1, 1, 1],
      dropout: 0,
      seed: 0,
    });
    expect(resolveBackboneSpec({ name: 'ir50' })).toMatchObject({
      inputSize: 112,
      embeddingSize: 512,
      depths: [3, 4, 14, 3],
    });
    expect(backboneInputRange('ir-lite')).toEqual({ min: 32, max: 64, default: 32 });
    expect(() => resolveBackboneSpec({ name: 'ir-lite', inputSize: 100 })).toThrow(
      /inputSize must be a whole number from 32 to 64, got 100/,
    );
    expect(() => resolveBackboneSpec({ name: 'ir-lite', widths: [8, 8] })).toThrow(/widths must list 4 stages/);
    expect(() => resolveBackboneSpec({ name: 'ir-lite', dropout: 1 })).toThrow(/dropout/);
    expect(() => resolveBackboneSpec({ name: 'resnet' as never })).toThrow(/must be one of ir-lite, ir18, ir34, ir50/);
  });

  it('has insightface parameter counts for ir18/34/50', () => {
    // Trainable parameters of insightface iresnet18/34/50 with a 512-d embedding at 112×112.
    expect(parameterCount({ name: 'ir18' }).trainable).toBe(24_025_088);
    expect(parameterCount({ name: 'ir34' }).trainable).toBe(34_138_816);
    expect(parameterCount({ name: 'ir50' }).trainable).toBe(43_590_336);
    const lite = createBackbone(tiny);
    try {
      expect(lite.trainableVariables().reduce((sum, v) => sum + v.variable.size, 0)).toBe(
        parameterCount(tiny).trainable,
      );
    } finally {
      lite.dispose();
    }
  });

  it('runs ir18 at 112×112 to a 512-d embedding', () => {
    const backbone = createBackbone({ name: 'ir18', seed: 1 });
    try {
      const out = tf.tidy(() => backbone.embed(tf.zeros([1, 112, 112, 3]), false).shape);
      expect(out).toEqual([1, 512]);
    } finally {
      backbone.dispose();
    }
  });

  it('initialises from the seed: same seed, same weights; other seed, other weights', () => {
    const [a, b, c] = [createBackbone(tiny), createBackbone(tiny), createBackbone({ ...tiny, seed: 4 })];
    try {
      const [wa, wb, wc] = [a, b, c].map((m) => m.getWeights());
      wa!.forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(wb![i]!.dataSync())));
      expect(Array.from(wa![0]!.dataSync())).not.toEqual(Array.from(wc![0]!.dataSync()));
      tf.dispose([...wa!, ...wb!, ...wc!]);
    } finally {
      [a, b, c].forEach((m) => m.dispose());
    }
  });

  it('flags weight decay only on conv and FC kernels, and checks embed input shapes', () => {
    const backbone = createBackbone(tiny);
    try {
      const names = backbone.weightNames();
      const trainable = backbone.trainableVariables();
      const decayed = trainable.filter((v) => v.decay).length;
      expect(decayed).toBe(names.filter((n) => n.endsWith('/kernel')).length);
      expect(names).toContain('features/moving_variance');
      expect(names).not.toContain('features/gamma'); // insightface fixes the embedding BN's γ at 1
      expect(() => backbone.embed(tf.zeros([2, 48, 48, 3]), false)).toThrow(
        /expects images \[N, 32, 32, 3\], got \[2,48,48,3\]/,
      );
      expect(() => backbone.embed(tf.zeros([1, 32, 32, 3]), true)).toThrow(/at least 2 images in training/);
    } finally {
      backbone.dispose();
    }
  });

  it('uses batch statistics and updates running ones in training, running ones in inference', () => {
    const backbone = createBackbone(tiny);
    try {
      const x = images(4, 1);
      const before = tf.tidy(() => backbone.embed(x, false).dataSync());
      const trained = tf.tidy(() => backbone.embed(x, true).dataSync());
      const after = tf.tidy(() => backbone.embed(x, false).dataSync());
      expect(relativeError(trained, before)).toBeGreaterThan(1e-3);
      expect(relativeError(after, before)).toBeGreaterThan(1e-3); // running statistics moved
      const again = tf.tidy(() => backbone.embed(x, false).dataSync());
      expect(Array.from(again)).toEqual(Array.from(after)); // inference changes nothing
      x.dispose();
    } finally {
      backbone.dispose();
    }
  });

  it('has the same gradients on wasm as on cpu', async () => {
    const gradients = () => {
      const backbone = createBackbone(tiny);
      try {
        const x = images(4, 2);
        const target = tf.tensor2d(seededNormal([4, 16], 5), [4, 16]);
        const vars = backbone.trainableVariables().map((v) => v.variable);
        const { grads } = tf.variableGrads(
          () => tf.mean(tf.square(tf.sub(backbone.embed(x, true), target))) as tf.Scalar,
          vars,
        );
        return vars.map((v) => grads[v.name]!);
      } finally {
        backbone.dispose();
      }
    };
    const ref = await valuesOn('cpu', gradients);
    const got = await valuesOn('wasm', gradients);
    expect(got.length).toBe(ref.length);
    // The β of a BN that feeds only training-mode BNs has an analytically zero gradient (a
    // per-channel shift is normalised away): both backends give ~1e-8 noise there, so errors are
    // measured against at least a thousandth of the largest gradient.
    const scale = (v: Float32Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const floor = 1e-3 * Math.max(...ref.map(scale));
    got.forEach((g, i) => {
      const diff = g.reduce((m, x, j) => Math.max(m, Math.abs(x - ref[i]![j]!)), 0);
      expect(diff / Math.max(scale(ref[i]!), floor), `gradient of ${i}`).toBeLessThan(1e-4);
    });
  });

  it('trains on wasm: the loss falls over 30 steps on a fixed batch, and no tensor leaks', async () => {
    await tf.setBackend('wasm');
    const backbone = createBackbone(tiny);
    const x = images(16, 3);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4) as tf.Tensor2D;
    const classifier = tf.variable(tf.tensor2d(seededNormal([16, 4], 6), [16, 4]).mul(0.1));
    const optimizer = tf.train.momentum(0.05, 0.9);
    const vars = [...backbone.trainableVariables().map((v) => v.variable), classifier];
    try {
      const losses: number[] = [];
      const counts: Record<number, { tensors: number; dataIds: number }> = {};
      for (let step = 1; step <= 50; step++) {
        const loss = optimizer.minimize(
          () => classifierLoss(backbone, x, labels, classifier as tf.Variable as unknown as tf.Tensor2D),
          true,
          vars,
        )!;
        losses.push(loss.dataSync()[0]!);
        loss.dispose();
        if (step === 10 || step === 50)
          counts[step] = { tensors: tf.memory().numTensors, dataIds: tf.engine().backend.numDataIds() };
      }
      expect(losses[29]!).toBeLessThan(0.5 * losses[0]!);
      expect(counts[50]).toEqual(counts[10]);
    } finally {
      optimizer.dispose();
      tf.dispose([x, labels, classifier]);
      backbone.dispose();
    }
  });

  it('trains the same on our wasm kernels as on the XNNPACK compositions alone (10 SGD steps)', async () => {
    await tf.setBackend('wasm');
    // Channel counts that put every conv gradient, matmul gradient and BN/PReLU pass on our kernels.
    const spec: BackboneSpec = { ...tiny, widths: [8, 16, 16, 16], embeddingSize: 16 };
    const train = (ours: boolean) => {
      setWasmTrainingKernels(ours);
      const backbone = createBackbone(spec);
      const x = images(8, 4);
      const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4) as tf.Tensor2D;
      const classifier = tf.variable(tf.tidy(() => tf.tensor2d(seededNormal([16, 4], 7), [16, 4]).mul(0.1)));
      const optimizer = tf.train.momentum(0.05, 0.9);
      const vars = [...backbone.trainableVariables().map((v) => v.variable), classifier];
      try {
        return Array.from({ length: 10 }, () => {
          const loss = optimizer.minimize(
            () => classifierLoss(backbone, x, labels, classifier as tf.Variable as unknown as tf.Tensor2D),
            true,
            vars,
          )!;
          const value = loss.dataSync()[0]!;
          loss.dispose();
          return value;
        });
      } finally {
        optimizer.dispose();
        tf.dispose([x, labels, classifier]);
        backbone.dispose();
        setWasmTrainingKernels(true);
      }
    };
    const fused = channelKernelCalls();
    const ours = train(true);
    expect(channelKernelCalls()).toBeGreaterThan(fused);
    expect(lastFilterGradPlan()).toBe('direct');
    const composed = train(false);
    expect(lastFilterGradPlan()).not.toBe('direct');
    expect(ours[9]!).toBeLessThan(ours[0]!);
    ours.forEach((loss, step) =>
      expect(Math.abs(loss - composed[step]!) / composed[step]!, `step ${step + 1}`).toBeLessThan(1e-4),
    );
  });
});
