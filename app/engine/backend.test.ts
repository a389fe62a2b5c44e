import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { candidateOrder, idleCoreThreads, initBackend, threadCount, xnnpackThreads } from './backend.js';
import { installedTrainingKernels } from './training-kernels.js';

describe('initBackend', () => {
  it('falls through the missing native bindings to wasm, records why, and is idempotent', async () => {
    const info = await initBackend();
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.gpu).toBe(false);
    expect(info.threads).toBe(1); // one per vitest worker process
    // webgpu: no adapter in this process (no VK_ICD_FILENAMES), or only a software one, which is not taken unasked.
    expect(info.tried.map((t) => t.name)).toEqual([
      '@tensorflow/tfjs-node-gpu',
      '@tensorflow/tfjs-node',
      'webgpu',
      'wasm',
    ]);
    expect(info.tried[0]!.error).toMatch(/tfjs-node-gpu/);
    expect(info.tried[2]!.error).toMatch(/no WebGPU adapter|software adapter|none opened/);
    expect(info.skipped).toEqual([{ name: 'cpu', reason: 'not needed: wasm started first' }]);
    expect(info.adapter).toBeNull();
    expect(info.fasterHint).toMatch(/npm run setup:cuda/);
    expect(info.versions['tfjs-core']).toBe(tf.version_core);
    expect(info.versions['tfjs-backend-wasm']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info.detail).toMatch(/^wasm \(SIMD/);
    expect(await initBackend({ preferred: 'cpu' })).toBe(info);
    expect(installedTrainingKernels()).toEqual(
      expect.arrayContaining(['wasm/Conv2DBackpropFilter', 'wasm/Conv2DBackpropInput', 'cpu/Conv2DBackpropFilter']),
    );
  });

  it('orders candidates: LAB_BACKEND alone, else the preferred one first', () => {
    expect(candidateOrder({}, {})).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
    expect(candidateOrder({ preferred: 'cpu' }, {})).toEqual(['cpu', 'tensorflow', 'webgpu', 'wasm']);
    expect(candidateOrder({}, { LAB_BACKEND: 'webgpu' })).toEqual(['webgpu']);
    expect(candidateOrder({ preferred: 'cpu' }, { LAB_BACKEND: 'wasm' })).toEqual(['wasm']);
    expect(() => candidateOrder({}, { LAB_BACKEND: 'gpu' })).toThrow(
      /LAB_BACKEND=gpu is not a backend; use one of tensorflow, webgpu, wasm, cpu/,
    );
    expect(() => candidateOrder({ preferred: 'webgl' as never }, {})).toThrow(/preferred backend must be one of/);
  });

  it('takes the thread count from LAB_THREADS, then options, then half the cores', () => {
    expect(threadCount({ threads: 3 }, { LAB_THREADS: '2' })).toBe(2);
    expect(threadCount({ threads: 3 }, {})).toBe(3);
    expect(threadCount({}, { VITEST: 'true' })).toBe(1);
    expect(threadCount({}, {})).toBeGreaterThanOrEqual(1);
    // The default: the idle cores, 1 to 8.
    expect(idleCoreThreads(2, 0.1)).toBe(2);
    expect(idleCoreThreads(2, 1.2)).toBe(1);
    expect(idleCoreThreads(2, 30)).toBe(1);
    expect(idleCoreThreads(16, 3.4)).toBe(8);
    expect(idleCoreThreads(4, 1.6)).toBe(2);
    // XNNPACK's own pool: one thread unless LAB_XNNPACK_THREADS says otherwise (at most the count).
    expect(xnnpackThreads(4, {})).toBe(1);
    expect(xnnpackThreads(4, { LAB_XNNPACK_THREADS: '4' })).toBe(4);
    expect(() => xnnpackThreads(2, { LAB_XNNPACK_THREADS: '3' })).toThrow(
      /LAB_XNNPACK_THREADS=3 must be a whole number from 1 to the thread count \(2\)/,
    );
    expect(() => threadCount({}, { LAB_THREADS: 'many' })).toThrow(
      /LAB_THREADS=many must be a whole number from 1 to 64/,
    );
  });

  it('runs the threaded wasm build (and the training kernels on it) in a fresh process that then exits', () => {
    // Separate process: a backend is chosen once per process. The script must also exit on its
    // own, i.e. XNNPACK's parked pool threads must not keep Node alive.
    const backend = fileURLToPath(new URL('./backend.ts', import.meta.url));
    const script = `
      import * as tf from '@tensorflow/tfjs';
      import { initBackend } from ${JSON.stringify(backend)};
      import { batchNormTrain } from ${JSON.stringify(fileURLToPath(new URL('./batch-norm.ts', import.meta.url)))};
      import { prelu } from ${JSON.stringify(fileURLToPath(new URL('./prelu.ts', import.meta.url)))};
      import { channelKernelCalls } from ${JSON.stringify(fileURLToPath(new URL('./kernels/channel-kernels.ts', import.meta.url)))};
      const info = await initBackend();
      const y = tf.conv2d(tf.ones([2, 8, 8, 3]), tf.ones([3, 3, 3, 4]), 1, 'same');
      // The training kernels on the shared-memory heap, against the cpu backend.
      // BatchNorm and PReLU on 16·16·16 × 16 values: their channel passes are split over the threads too.
      const bn = (x) => batchNormTrain(x, { beta: tf.zeros([16]), runningMean: tf.variable(tf.zeros([16])), runningVar: tf.variable(tf.ones([16])), epsilon: 1e-5, momentum: 0.1 });
      const grads = () => [
        ...tf.grads((x, w) => tf.sum(tf.square(tf.conv2d(x, w, 2, 'same'))))([tf.randomNormal([4, 9, 9, 8], 0, 1, 'float32', 1), tf.randomNormal([3, 3, 8, 16], 0, 1, 'float32', 2)]),
        ...tf.grads((x, a) => tf.sum(tf.mul(prelu(bn(x), a), tf.randomNormal([16, 16, 16, 16], 0, 1, 'float32', 5))))([tf.randomNormal([16, 16, 16, 16], 1, 2, 'float32', 3), tf.fill([16], 0.25)]),
      ].map((g) => g.dataSync());
      const onWasm = grads();
      const fusedCalls = channelKernelCalls();
      await tf.setBackend('cpu');
      const onCpu = grads();
      const error = Math.max(...onWasm.map((g, i) => g.reduce((m, v, j) => Math.max(m, Math.abs(v - onCpu[i][j])), 0) / onCpu[i].reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
      console.log(JSON.stringify({ info, sum: y.sum().dataSync()[0], error, fusedCalls }));`;
    const env = { ...process.env, LAB_THREADS: '2', LAB_BACKEND: 'wasm', VITEST: '' };
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const { info, sum, error, fusedCalls } = JSON.parse(result.stdout.trim().split('\n').pop()!) as {
      info: { threads: number; detail: string; tried: { name: string }[] };
      sum: number;
      error: number;
      fusedCalls: number;
    };
    expect(info.threads).toBe(2);
    expect(info.detail).toMatch(/threaded build, 2 threads/);
    expect(info.tried).toEqual([{ name: 'wasm (threaded, 2 threads)' }]);
    expect(sum).toBe(2 * 4 * (36 * 27 + 24 * 18 + 4 * 12)); // 8×8 same-padded: 36 interior (27 values), 24 edge (18), 4 corner (12)
    expect(error).toBeLessThan(1e-4);
    expect(fusedCalls).toBeGreaterThanOrEqual(5); // BN: 3 passes forward, 2 back; PReLU's gradient
  });
});
