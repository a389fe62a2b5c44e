import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../engine/backend.js';
import { lastDepthwisePath } from '../../engine/kernels/depthwise.js';
import { relativeError, seededNormal, valuesOn } from '../../engine/testing.js';
import { NetworkBackbone } from '../backbone.js';
import { describeMobileFaceNet, resolveMobileFaceNetSpec } from './mobilefacenet.js';

// A whole MobileFaceNet trains on wasm (our depthwise gradient kernels, app/engine/kernels/depthwise.ts)
// with the cpu backend's gradients. At 32 px (the global depthwise conv shrinks to 2×2) to stay fast.

describe('MobileFaceNet gradients', () => {
  beforeAll(async () => {
    await initBackend({ preferred: 'wasm' });
  });

  it('gives a whole MobileFaceNet (32 px) the same gradients on wasm as on cpu', async () => {
    const spec = { ...resolveMobileFaceNetSpec({ name: 'mobilefacenet', seed: 5 }), inputSize: 32 };
    const gradients = () => {
      const backbone = new NetworkBackbone(spec, describeMobileFaceNet);
      try {
        const x = tf.clipByValue(tf.tensor4d(seededNormal([2, 32, 32, 3], 21), [2, 32, 32, 3]), -1, 1) as tf.Tensor4D;
        const target = tf.tensor2d(seededNormal([2, 192], 22), [2, 192]);
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
    expect(lastDepthwisePath()).toBe('wasm');
    expect(got).toHaveLength(ref.length);
    got.forEach((g, i) => expect(relativeError(g, ref[i]!), `gradient ${i}`).toBeLessThan(1e-3));
  });
});
