import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { depthwiseForward, lastDepthwisePath } from './kernels/depthwise.js';
import { assembleDepthwise } from './kernels/wasm/depthwise-assemble.js';
import * as committed from './kernels/wasm/depthwise-binary.js';
import { relativeError, seededNormal, valuesOn } from './testing.js';
import { setWasmTrainingKernels } from './training-kernels.js';

// Depthwise convolution on wasm: our gradient kernels (tfjs-wasm has none) and forward against the
// cpu backend's stock kernels (a whole network's gradients: app/models/zoo/mobilefacenet-gradients.test.ts).

interface Case {
  n: number;
  size: number;
  ch: number;
  k: number;
  stride: number;
  pad: 'same' | 'valid' | number;
}

const cases: Case[] = [
  { n: 2, size: 9, ch: 8, k: 3, stride: 1, pad: 'same' },
  { n: 3, size: 10, ch: 16, k: 3, stride: 2, pad: 'same' }, // TF 'same' pads stride 2 at the bottom/right only
  { n: 2, size: 7, ch: 12, k: 7, stride: 1, pad: 'valid' }, // MobileFaceNet's global depthwise conv
  { n: 2, size: 11, ch: 8, k: 3, stride: 2, pad: 1 },
  { n: 2, size: 8, ch: 6, k: 3, stride: 1, pad: 'same' }, // not a multiple of 4: the JavaScript loops
];

const tensor = (shape: readonly number[], seed: number) =>
  tf.tensor(seededNormal([...shape], seed), [...shape]) as unknown as tf.Tensor4D;

describe('depthwise convolution kernels on wasm', () => {
  beforeAll(async () => {
    await initBackend({ preferred: 'wasm' });
  });

  it.each(cases.map((c, i) => ({ ...c, i })))(
    'both gradients match cpu: case $i ($size px, $ch ch, $k×$k, stride $stride, pad $pad)',
    async (c) => {
      const grads = () => {
        const x = tensor([c.n, c.size, c.size, c.ch], c.i + 1);
        const f = tensor([c.k, c.k, c.ch, 1], c.i + 2);
        const y = tf.depthwiseConv2d(x, f, c.stride, c.pad);
        const dy = tensor(y.shape, c.i + 3);
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dy)),
        );
        return g([x, f]);
      };
      const [dxRef, dfRef] = await valuesOn('cpu', grads);
      const [dx, df] = await valuesOn('wasm', grads);
      expect(lastDepthwisePath()).toBe(c.ch % 4 === 0 ? 'wasm' : 'javascript');
      expect(relativeError(dx!, dxRef!), 'input gradient').toBeLessThan(1e-5);
      expect(relativeError(df!, dfRef!), 'filter gradient').toBeLessThan(1e-5);
    },
  );

  it.each(cases.map((c, i) => ({ ...c, i })))('our forward matches cpu: case $i', async (c) => {
    const x = () => tensor([c.n, c.size, c.size, c.ch], c.i + 4),
      f = () => tensor([c.k, c.k, c.ch, 1], c.i + 5);
    const [ref] = await valuesOn('cpu', () => tf.depthwiseConv2d(x(), f(), c.stride, c.pad));
    await tf.setBackend('wasm');
    const [xs, fs] = [x(), f()];
    const info = depthwiseForward(
      { inputs: { x: xs, filter: fs }, backend: tf.backend(), attrs: { strides: c.stride, pad: c.pad, dilations: 1 } },
      'wasm',
    );
    const y = tf.engine().makeTensorFromTensorInfo(info);
    expect(relativeError(y.dataSync(), ref!)).toBeLessThan(1e-5);
    tf.dispose([xs, fs, y]);
  });

  it('runs the JavaScript loops when our wasm kernels are off, with the same result', async () => {
    const c = cases[1]!;
    const grad = () => {
      const x = tensor([c.n, c.size, c.size, c.ch], 11);
      const f = tensor([c.k, c.k, c.ch, 1], 12);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, f, c.stride, c.pad))))(x);
    };
    const [ours] = await valuesOn('wasm', grad);
    setWasmTrainingKernels(false);
    try {
      const [js] = await valuesOn('wasm', grad);
      expect(lastDepthwisePath()).toBe('javascript');
      expect(relativeError(js!, ours!)).toBeLessThan(1e-6);
    } finally {
      setWasmTrainingKernels(true);
    }
  });

  it('rejects a channel multiplier above 1 with a message saying so', async () => {
    await tf.setBackend('wasm');
    const x = tensor([1, 5, 5, 4], 1),
      f = tensor([3, 3, 4, 2], 2);
    expect(() => tf.grad((a: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, f, 1, 'same')))(x)).toThrow(
      /channel multiplier 1/,
    );
    tf.dispose([x, f]);
  });

  it('the committed depthwise binary is what depthwise-wat.ts assembles to (run npm run build:wasm-kernels)', async () => {
    const fresh = await assembleDepthwise();
    expect(Buffer.from(fresh.single).toString('base64')).toBe(committed.depthwiseSingle);
    expect(Buffer.from(fresh.shared).toString('base64')).toBe(committed.depthwiseShared);
  });
});
