import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { relativeError, seededNormal, valuesOn } from './testing.js';
import { forceFilterGradPlan, lastFilterGradPlan, type FilterGradPlan } from './kernels/conv2d-backprop-filter.js';
import { forceInputGradPlan, lastInputGradPlan, type InputGradPlan } from './kernels/conv2d-backprop-input.js';
import { lastConv2dPath } from './kernels/conv2d-forward.js';
import { lastMatMulPath } from './kernels/matmul-transposed.js';
import { installTrainingKernels, setWasmTrainingKernels, uninstallTrainingKernels } from './training-kernels.js';

// Each training kernel against the cpu backend's stock kernel on random inputs.

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
const convCases: {
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride: number;
  pad: Pad;
}[] = [
  { x: [2, 8, 8, 3], w: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [2, 8, 8, 3], w: [3, 3, 3, 4], stride: 2, pad: 'same' },
  { x: [2, 9, 7, 3], w: [3, 3, 3, 4], stride: 2, pad: 'same' },
  { x: [2, 9, 7, 3], w: [3, 3, 3, 4], stride: 2, pad: 'valid' },
  { x: [3, 7, 7, 4], w: [3, 3, 4, 5], stride: 1, pad: 'valid' },
  { x: [2, 8, 8, 5], w: [1, 1, 5, 6], stride: 2, pad: 'valid' },
  {
    x: [2, 8, 8, 5],
    w: [3, 3, 5, 6],
    stride: 2,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
  { x: [2, 10, 10, 3], w: [5, 5, 3, 2], stride: 2, pad: 'same' },
  { x: [2, 11, 10, 3], w: [4, 2, 3, 2], stride: 3, pad: 'valid' },
  // Channel counts our wasm kernels take ('direct': co % 8 for the filter gradient, ci % 8 for
  // the input gradient), with partial 4-channel tiles (ci 3, 5) and partial 4-pixel groups.
  { x: [2, 9, 7, 8], w: [3, 3, 8, 16], stride: 2, pad: 'same' },
  { x: [3, 7, 7, 16], w: [3, 3, 16, 8], stride: 1, pad: 'valid' },
  {
    x: [2, 10, 10, 8],
    w: [5, 5, 8, 8],
    stride: 2,
    pad: [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
  },
  { x: [2, 11, 10, 5], w: [4, 2, 5, 8], stride: 3, pad: 'valid' },
  { x: [2, 6, 6, 3], w: [3, 3, 3, 24], stride: 1, pad: 'same' },
];

function convGradients(c: (typeof convCases)[number], seed: number) {
  const xv = seededNormal(c.x, seed),
    wv = seededNormal(c.w, seed + 1);
  return () => {
    const x = tf.tensor4d(xv, c.x),
      w = tf.tensor4d(wv, c.w);
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const dy = tf.sin(tf.range(0, y.size).reshape(y.shape)) as tf.Tensor4D;
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
      ...attrs,
      filterShape: c.w,
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, {
      ...attrs,
      inputShape: c.x,
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    return [dw, dx];
  };
}

async function stockCpu(f: () => tf.Tensor | tf.Tensor[]) {
  uninstallTrainingKernels();
  try {
    return await valuesOn('cpu', f);
  } finally {
    installTrainingKernels();
  }
}

describe('conv2d training kernels', () => {
  beforeAll(async () => {
    await initBackend({ preferred: 'wasm' });
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it.each(convCases.map((c, i) => ({ ...c, i })))(
    'filter and input gradients match the cpu stock kernels: x $x w $w stride $stride pad $pad',
    async (c) => {
      const run = convGradients(c, 10 * c.i);
      const [refW, refX] = await stockCpu(run);
      // Every layout ('flipped' applies to stride 1 only, 'rows' to few input channels; they fall
      // back to the cost-chosen one elsewhere).
      const plans: [FilterGradPlan | undefined, InputGradPlan | undefined][] = [
        [undefined, undefined],
        ['dilated', 'packed'],
        ['flipped', 'exact'],
        ['rows', undefined],
      ];
      try {
        for (const [plan, inputPlan] of plans) {
          forceFilterGradPlan(plan);
          forceInputGradPlan(inputPlan);
          for (const backend of ['wasm', 'cpu']) {
            const [dw, dx] = await valuesOn(backend, run);
            if (backend === 'wasm' && plan === undefined) {
              // Unforced, wasm takes our own kernels wherever their channel condition holds.
              expect(lastFilterGradPlan() === 'direct', 'filter gradient on the direct wasm kernel').toBe(
                c.w[3] % 8 === 0,
              );
              expect(lastInputGradPlan() === 'direct', 'input gradient on the direct wasm kernel').toBe(
                c.w[2] % 8 === 0,
              );
            }
            expect(relativeError(dw!, refW!), `${backend} filter gradient, plan ${plan ?? 'auto'}`).toBeLessThan(1e-4);
            expect(relativeError(dx!, refX!), `${backend} input gradient`).toBeLessThan(1e-4);
          }
        }
      } finally {
        forceFilterGradPlan(undefined);
        forceInputGradPlan(undefined);
      }
    },
  );

  it('falls back to the XNNPACK compositions when the wasm kernels are turned off', async () => {
    const c = convCases.find((k) => k.w[2] % 8 === 0 && k.w[3] % 8 === 0)!;
    const run = convGradients(c, 3);
    const [refW, refX] = await stockCpu(run);
    setWasmTrainingKernels(false);
    try {
      const [dw, dx] = await valuesOn('wasm', run);
      expect(lastFilterGradPlan()).not.toBe('direct');
      expect(lastInputGradPlan()).not.toBe('direct');
      expect(relativeError(dw!, refW!)).toBeLessThan(1e-4);
      expect(relativeError(dx!, refX!)).toBeLessThan(1e-4);
    } finally {
      setWasmTrainingKernels(true);
    }
    await valuesOn('wasm', run);
    expect(lastFilterGradPlan()).toBe('direct');
  });

  it('runs conv2d forward on our wasm kernel (co % 8 = 0, ci ≥ 8) with the cpu result, and on XNNPACK otherwise', async () => {
    const cases: {
      x: [number, number, number, number];
      w: [number, number, number, number];
      stride: number;
      pad: Pad;
      ours: boolean;
    }[] = [
      { x: [2, 9, 7, 8], w: [3, 3, 8, 16], stride: 2, pad: 'same', ours: true },
      { x: [3, 7, 7, 12], w: [3, 3, 12, 8], stride: 1, pad: 'valid', ours: true },
      {
        x: [2, 10, 10, 8],
        w: [5, 5, 8, 24],
        stride: 2,
        pad: [
          [0, 0],
          [2, 1],
          [0, 2],
          [0, 0],
        ],
        ours: true,
      },
      { x: [1, 11, 10, 16], w: [4, 2, 16, 8], stride: 3, pad: 'valid', ours: true },
      { x: [5, 3, 3, 8], w: [1, 1, 8, 8], stride: 1, pad: 'same', ours: true }, // 45 pixels: a short last tile
      { x: [2, 8, 8, 3], w: [3, 3, 3, 16], stride: 1, pad: 'same', ours: false }, // RGB input
      { x: [2, 8, 8, 8], w: [3, 3, 8, 12], stride: 1, pad: 'same', ours: false }, // co % 8 ≠ 0
    ];
    for (const c of cases) {
      const run = () =>
        tf.conv2d(tf.tensor4d(seededNormal(c.x, 21), c.x), tf.tensor4d(seededNormal(c.w, 22), c.w), c.stride, c.pad);
      const [ref] = await valuesOn('cpu', run);
      const [got] = await valuesOn('wasm', run);
      expect(lastConv2dPath(), JSON.stringify(c)).toBe(c.ours ? 'wasm kernel' : 'xnnpack');
      expect(relativeError(got!, ref!), JSON.stringify(c)).toBeLessThan(1e-5);
    }
  });

  it('gives tf.grad of a strided conv the cpu stock result on wasm', async () => {
    const xv = seededNormal([2, 6, 6, 3], 1),
      wv = seededNormal([3, 3, 3, 4], 2);
    const run = () => {
      const x = tf.tensor4d(xv, [2, 6, 6, 3]),
        w = tf.tensor4d(wv, [3, 3, 3, 4]);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))),
      )([x, w]);
    };
    const ref = await stockCpu(run);
    const got = await valuesOn('wasm', run);
    got.forEach((g, i) => expect(relativeError(g, ref[i]!)).toBeLessThan(1e-4));
  });

  it('matMul with transposed operands matches cpu on wasm', async () => {
    const av = seededNormal([5, 7], 3),
      bv = seededNormal([7, 4], 4);
    for (const [ta, tb] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const run = () => {
        const a = tf.tensor2d(av, [5, 7]),
          b = tf.tensor2d(bv, [7, 4]);
        return tf.matMul(ta ? a.transpose() : a, tb ? b.transpose() : b, ta, tb);
      };
      const [ref] = await valuesOn('cpu', run);
      const [got] = await valuesOn('wasm', run);
      expect(relativeError(got!, ref!), `transposeA=${ta} transposeB=${tb}`).toBeLessThan(1e-5);
    }
    // A large right operand makes the kernel compute (B·Aᵀ)ᵀ instead.
    const flippedCase = () =>
      tf.matMul(
        tf.tensor2d(seededNormal([2, 3], 7), [2, 3]),
        tf.tensor2d(seededNormal([50, 3], 8), [50, 3]),
        false,
        true,
      );
    const [refFlip] = await valuesOn('cpu', flippedCase);
    const [gotFlip] = await valuesOn('wasm', flippedCase);
    expect(relativeError(gotFlip!, refFlip!)).toBeLessThan(1e-5);
    const batched = () =>
      tf.matMul(
        tf.tensor3d(seededNormal([2, 3, 4], 5), [2, 3, 4]),
        tf.tensor3d(seededNormal([2, 5, 4], 6), [2, 5, 4]),
        false,
        true,
      );
    const [ref] = await valuesOn('cpu', batched);
    const [got] = await valuesOn('wasm', batched);
    expect(relativeError(got!, ref!)).toBeLessThan(1e-5);
  });

  it('transposed matMuls with n % 8 = 0 run on our wasm kernels and match cpu (plain and fused, 1 thread here)', async () => {
    const cases: { a: [number, number]; b: [number, number]; ta: boolean; tb: boolean; fused?: boolean }[] = [
      { a: [9, 13], b: [9, 16], ta: true, tb: false }, // Aᵀ·B: dW of a dense layer
      { a: [13, 9], b: [24, 9], ta: false, tb: true }, // A·Bᵀ: dX of a dense layer
      { a: [64, 40], b: [64, 8], ta: true, tb: false, fused: true },
      { a: [6, 5], b: [8, 5], ta: false, tb: true, fused: true },
    ];
    for (const c of cases) {
      const run = () => {
        const a = tf.tensor2d(seededNormal(c.a, 11), c.a),
          b = tf.tensor2d(seededNormal(c.b, 12), c.b);
        return c.fused ? tf.fused.matMul({ a, b, transposeA: c.ta, transposeB: c.tb }) : tf.matMul(a, b, c.ta, c.tb);
      };
      const [ref] = await valuesOn('cpu', run);
      const [got] = await valuesOn('wasm', run);
      expect(lastMatMulPath(), JSON.stringify(c)).toBe('wasm kernel');
      expect(relativeError(got!, ref!), JSON.stringify(c)).toBeLessThan(1e-5);
    }
    // A fused bias stays on the XNNPACK path.
    const withBias = () =>
      tf.fused.matMul({
        a: tf.tensor2d(seededNormal([4, 3], 13), [4, 3]),
        b: tf.tensor2d(seededNormal([8, 3], 14), [8, 3]),
        transposeB: true,
        bias: tf.ones([8]),
      });
    const [refBias] = await valuesOn('cpu', withBias);
    const [gotBias] = await valuesOn('wasm', withBias);
    expect(lastMatMulPath()).toBe('xnnpack');
    expect(relativeError(gotBias!, refBias!)).toBeLessThan(1e-5);
  });

  it('leaves no backend memory behind', async () => {
    await tf.setBackend('wasm');
    const run = convGradients(convCases[6]!, 5);
    tf.dispose(tf.tidy(run));
    const dataIds = tf.engine().backend.numDataIds();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(tf.tidy(run));
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
