import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quietCpuBackend } from '../engine/backend.js';
import { gradientsError, relativeError } from '../engine/testing.js';
import { openWebgpu } from '../engine/webgpu-adapter.js';
import { adaptersForTests } from '../engine/webgpu-test-env.js';
import { parseDdlConfig } from '../losses/ddl/ddl-config.js';
import { ddlLoss } from '../losses/ddl/ddl-loss.js';
import { createHead } from '../losses/heads/create-head.js';
import { crossEntropy } from '../losses/heads/cross-entropy.js';
import { headTypes } from '../losses/heads/head-config.js';
import { NetworkBackbone, type Describe } from '../models/backbone.js';
import { createBackbone, resolveBackboneSpec, type Backbone, type BackboneSpec } from '../models/index.js';
import { describeIResNet } from '../models/iresnet.js';
import { metricSeries } from '../store/runs-series.js';
import { createSynthFixture, type SynthFixture } from './test-support/synth-fixture.js';
import { trainInProcess } from './test-support/train-in-process.js';

// WebGPU (tfjs-backend-webgpu on Dawn) against the cpu backend, on small shapes: every backbone's
// forward pass and gradients, each head, the DDL loss and its gradients, and 10 steps of a real
// ir-lite run. Our wasm kernels never run here (they are registered for wasm and cpu only); on
// webgpu the engine's ops fall back to portable compositions (app/engine/README.md).
// Runs on whatever adapter Dawn finds: SwiftShader (chromium's software Vulkan) here and in CI.

const adapters = await adaptersForTests();
// SwiftShader compiles every shader on the CPU: minutes on a busy machine.
const slow = 600_000;

/** Runs `f` on cpu, then on webgpu (fresh inputs on each: webgpu data cannot move back synchronously). */
async function onBoth(f: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; webgpu: Float32Array[] }> {
  const values: Float32Array[][] = [];
  for (const backend of ['cpu', 'webgpu']) {
    await tf.setBackend(backend);
    const out = tf.tidy(f);
    values.push((await Promise.all(out.map((t) => t.data()))) as Float32Array[]);
    tf.dispose(out);
  }
  return { cpu: values[0]!, webgpu: values[1]! };
}

const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
const images = (n: number, size: number, seed: number) =>
  tf.clipByValue(normal([n, size, size, 3], seed), -1, 1) as tf.Tensor4D;

/** Forward (inference), then training-mode value and the gradient of every trainable variable. */
function backboneCase(spec: BackboneSpec, batch: number, anyInputSize = false) {
  const make = (): Backbone => {
    if (!anyInputSize) return createBackbone(spec);
    const resolved = resolveBackboneSpec({ ...spec, inputSize: undefined });
    return new NetworkBackbone({ ...resolved, inputSize: spec.inputSize! }, describeIResNet as Describe);
  };
  return async () => {
    const size = spec.inputSize ?? 112;
    const forward = await onBoth(() => {
      const backbone = make();
      const y = backbone.embed(images(batch, size, 1), false);
      const kept = tf.keep(y.clone());
      backbone.dispose();
      return [kept];
    });
    expect(relativeError(forward.webgpu[0]!, forward.cpu[0]!)).toBeLessThan(1e-4);
    const train = await onBoth(() => {
      const backbone = make();
      const variables = backbone.trainableVariables().map((v) => v.variable);
      const x = images(batch, size, 2);
      const projection = normal([batch, backbone.embeddingSize], 3); // a loss with gradients of ordinary size
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(backbone.embed(x, true), projection)) as tf.Scalar,
        variables,
      );
      const kept = [value, ...variables.map((v) => grads[v.name]!)].map((t) => tf.keep(t.clone()));
      backbone.dispose();
      return kept;
    });
    expect(relativeError(train.webgpu[0]!, train.cpu[0]!)).toBeLessThan(1e-4);
    const gradError = gradientsError(train.webgpu.slice(1), train.cpu.slice(1));
    expect(gradError).toBeLessThan(1e-3);
    console.info(
      `webgpu parity ${spec.name}: forward ${relativeError(forward.webgpu[0]!, forward.cpu[0]!).toExponential(1)}, gradients ${gradError.toExponential(1)}`,
    );
  };
}

describe.skipIf(adapters.length === 0)(
  adapters.length === 0 ? 'webgpu vs cpu (skipped: Dawn finds no WebGPU adapter at all)' : 'webgpu vs cpu',
  () => {
    let fixture: SynthFixture | undefined;
    beforeAll(async () => {
      await openWebgpu({ allowSoftware: true });
      await tf.setBackend('cpu');
      quietCpuBackend();
    });
    afterAll(() => fixture?.cleanup());

    it(
      'ir-lite: forward, and gradients of every weight',
      backboneCase(
        { name: 'ir-lite', inputSize: 32, widths: [4, 8, 8, 8], depths: [1, 1, 1, 1], embeddingSize: 16, seed: 3 },
        4,
      ),
      slow,
    );
    for (const name of ['ir18', 'ir34', 'ir50'] as const) {
      // The published block counts, 4 channels per stage; at 32×32 instead of 112×112, where the
      // backward pass takes minutes on SwiftShader (every op and shape class is the same).
      it(
        `${name}: forward, and gradients of every weight (32×32 input)`,
        backboneCase({ name, inputSize: 32, widths: [4, 4, 4, 4], embeddingSize: 8, seed: 4 }, 4, true),
        slow,
      );
    }
    it('AddN of more tensors than a WebGPU shader may bind (the gradient norm sums one per parameter)', async () => {
      const out = await onBoth(() => [tf.addN(Array.from({ length: 59 }, (_, i) => normal([3, 5], 100 + i)))]);
      expect(relativeError(out.webgpu[0]!, out.cpu[0]!)).toBeLessThan(1e-5);
    });

    for (const type of headTypes) {
      it(`head ${type}: logits, cross-entropy and its gradients`, async () => {
        const labels = [0, 1, 2, 3, 4, 0];
        const out = await onBoth(() => {
          const head = createHead({ type });
          const y = tf.tensor1d(labels, 'int32');
          const loss = (e: tf.Tensor, w: tf.Tensor) =>
            crossEntropy(head.logits(e as tf.Tensor2D, w as tf.Tensor2D, y, true), y);
          const { value, grads } = tf.valueAndGrads(loss)([normal([6, 16], 5), normal([16, 5], 6)]);
          const logits = head.logits(normal([6, 16], 5) as tf.Tensor2D, normal([16, 5], 6) as tf.Tensor2D, y, false);
          const kept = [value, logits, ...grads].map((t) => tf.keep(t.clone()));
          head.dispose();
          return kept;
        });
        out.cpu.forEach((reference, i) => expect(relativeError(out.webgpu[i]!, reference)).toBeLessThan(1e-4));
      });
    }

    it('DDL: the loss, its terms and histograms, and its gradients w.r.t. all six embedding sets', async () => {
      const config = parseDdlConfig({ bins: { count: 50 } });
      const out = await onBoth(() => {
        const inputs = [
          [8, 11],
          [8, 12],
          [6, 13],
          [6, 14],
          [6, 15],
          [6, 16],
        ].map(([n, seed]) => normal([n!, 16], seed!));
        const branches = (a: tf.Tensor[]) => ({
          teacherSingles: a[0] as tf.Tensor2D,
          studentSingles: a[1] as tf.Tensor2D,
          teacherPairs: [a[2], a[3]] as [tf.Tensor2D, tf.Tensor2D],
          studentPairs: [a[4], a[5]] as [tf.Tensor2D, tf.Tensor2D],
        });
        const { value, grads } = tf.valueAndGrads((...a: tf.Tensor[]) => ddlLoss(branches(a), config).total)(inputs);
        const t = ddlLoss(branches(inputs), config);
        return [value, t.posKL, t.negKL, t.order, ...Object.values(t.histograms), ...grads];
      });
      const terms = out.cpu.length - 6;
      out.cpu
        .slice(0, terms)
        .forEach((reference, i) => expect(relativeError(out.webgpu[i]!, reference)).toBeLessThan(1e-4));
      const gradError = gradientsError(out.webgpu.slice(terms), out.cpu.slice(terms));
      expect(gradError).toBeLessThan(1e-3);
      console.info(`webgpu parity DDL: gradients ${gradError.toExponential(1)}`);
    });

    it(
      '10 steps of a real ir-lite run (CosFace, momentum, clipping): the same losses within 1e-3',
      async () => {
        fixture = await createSynthFixture({ identities: 4, perIdentity: 4 });
        const config = {
          stage: 1,
          backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 8, widths: [4, 4, 4, 4], depths: [1, 1, 1, 1] },
          head: { type: 'cosface', s: 16, m: 0.2 },
          batchSize: 4,
          steps: 10,
          lr: 0.05,
          seed: 5,
          checkpointEvery: 10,
        };
        const losses: number[][] = [];
        for (const backend of ['cpu', 'webgpu']) {
          await tf.setBackend(backend);
          const { runId, outcome } = await trainInProcess(fixture.db, fixture.dataDir, {
            datasetId: fixture.datasetId,
            splitId: fixture.splitId,
            config,
          });
          expect(outcome, outcome.error ?? '').toMatchObject({ status: 'completed', step: 10 });
          losses.push(metricSeries(fixture.db, runId, { names: ['total'] }).total!.map((p) => p.value ?? Number.NaN));
        }
        expect(losses[1]).toHaveLength(10);
        const worst = Math.max(...losses[0]!.map((l, i) => Math.abs(l - losses[1]![i]!) / Math.max(Math.abs(l), 1e-6)));
        console.info(
          `webgpu parity ir-lite 10 steps: losses ${losses[1]!.map((l) => l.toFixed(4)).join(' ')}, worst relative difference ${worst.toExponential(1)}`,
        );
        expect(worst).toBeLessThan(1e-3);
      },
      slow,
    );
  },
);
