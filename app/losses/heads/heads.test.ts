import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils.js';
import { createHead } from './create-head.js';
import { crossEntropy } from './cross-entropy.js';

// Hand-worked example, 2-D embeddings and 3 classes.
// Class centres (columns, deliberately not unit length: the head normalises them):
//   c0 = 2 * (1, 0), c1 = (0.6, 0.8), c2 = 0.5 * (0, 1)
// Embeddings: e0 = 3 * (0.8, 0.6) with label 0, e1 = (-0.6, 0.8) with label 2. Cosines:
//   e0: [0.8, 0.96, 0.6]     e1: [-0.6, 0.28, 0.8]     (target cosine 0.8 in both rows)
const classWeights = () =>
  tf.tensor2d([
    [2, 0.6, 0],
    [0, 0.8, 0.5],
  ]);
const embeddings = () =>
  tf.tensor2d([
    [2.4, 1.8],
    [-0.6, 0.8],
  ]);
const labels = () => tf.tensor1d([0, 2], 'int32');
// cos(acos(0.8) + 0.5) = 0.8 cos 0.5 - 0.6 sin 0.5 = 0.702066 - 0.287655 = 0.414411
const arcTarget = 0.4144107263497765;

function headLogits(config: Parameters<typeof createHead>[0], training = true): number[] {
  const head = createHead(config);
  const out = tf.tidy(() => Array.from(head.logits(embeddings(), classWeights(), labels(), training).dataSync()));
  head.dispose();
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('margin heads on a hand-worked 3-class example', () => {
  it('normalised softmax: s * cos', () => {
    expectClose(
      headLogits({ type: 'softmax' }),
      [0.8, 0.96, 0.6, -0.6, 0.28, 0.8].map((c) => 64 * c),
    );
  });

  it('CosFace: s * (cos - m) on the target only (defaults s 64, m 0.35)', () => {
    expectClose(
      headLogits({ type: 'cosface' }),
      [0.45, 0.96, 0.6, -0.6, 0.28, 0.45].map((c) => 64 * c),
    );
  });

  it('ArcFace: s * cos(theta + m) on the target (defaults s 64, m 0.5)', () => {
    expectClose(
      headLogits({ type: 'arcface' }),
      [arcTarget, 0.96, 0.6, -0.6, 0.28, arcTarget].map((c) => 64 * c),
    );
  });

  it('ArcFace with s 30, m 0.5 at 60 degrees: 30 * cos(pi/3 + 0.5) = 30 * 0.023597', () => {
    const head = createHead({ type: 'arcface', s: 30 });
    const out = tf.tidy(() =>
      head
        .logits(
          tf.tensor2d([[1, 0]]),
          tf.tensor2d([
            [0.5, 0],
            [Math.sqrt(3) / 2, 1],
          ]),
          tf.tensor1d([0], 'int32'),
          true,
        )
        .dataSync(),
    );
    expectClose(out, [30 * 0.023596586, 0]);
  });

  it('ArcFace fallback: when theta + m > pi the target becomes cos - m sin m', () => {
    // Target cosine -0.95 is below cos(pi - 0.5) = -0.877583, so theta + m > pi:
    // fallback -0.95 - 0.5 * sin(0.5) = -0.95 - 0.239713 = -1.189713 (x64 = -76.141617).
    // Target cosine -0.8 is above the threshold: cos(acos(-0.8) + 0.5) = -0.989721 (x64 = -63.342168).
    const head = createHead({ type: 'arcface' });
    const out = tf.tidy(() => {
      const e = tf.tensor2d([
        [-0.95, Math.sqrt(1 - 0.95 ** 2)],
        [-0.8, 0.6],
      ]);
      const w = tf.tensor2d([
        [1, 0],
        [0, 1],
      ]);
      return head.logits(e, w, tf.tensor1d([0, 0], 'int32'), true).dataSync();
    });
    expectClose(out, [-76.1416172, 64 * Math.sqrt(1 - 0.95 ** 2), -63.3421679, 64 * 0.6]);
  });

  it('CurricularFace: hard negatives become cos * (t + cos) and t follows the target cosine', () => {
    const head = createHead({ type: 'curricularface' });
    expect(head.state()).toEqual({ t: 0 });
    // Training step: t = 0.01 * mean(0.8, 0.8) + 0.99 * 0 = 0.008. cos(theta + m) = 0.414411, so in
    // row 0 both negatives (0.96, 0.6) are hard: 0.96 * 0.968 = 0.92928, 0.6 * 0.608 = 0.3648;
    // in row 1 none is (-0.6, 0.28).
    const trained = tf.tidy(() => Array.from(head.logits(embeddings(), classWeights(), labels(), true).dataSync()));
    expectClose(
      trained,
      [arcTarget, 0.92928, 0.3648, -0.6, 0.28, arcTarget].map((c) => 64 * c),
    );
    expect(head.state().t).toBeCloseTo(0.008, 7);
    // Evaluation leaves t alone.
    tf.tidy(() => head.logits(embeddings(), classWeights(), labels(), false));
    expect(head.state().t).toBeCloseTo(0.008, 7);
    head.dispose();
  });

  it('CurricularFace takes the same target logit as ArcFace, the fallback past theta + m > pi included', () => {
    // Target cosines -0.95 (fallback) and -0.8 (cos(theta + m)), as in the ArcFace fallback case.
    const targets = (type: 'arcface' | 'curricularface') => {
      const head = createHead({ type });
      const out = tf.tidy(() => {
        const e = tf.tensor2d([
          [-0.95, Math.sqrt(1 - 0.95 ** 2)],
          [-0.8, 0.6],
        ]);
        const w = tf.tensor2d([
          [1, 0],
          [0, 1],
        ]);
        return Array.from(head.logits(e, w, tf.tensor1d([0, 0], 'int32'), false).dataSync());
      });
      head.dispose();
      return [out[0]!, out[2]!];
    };
    expectClose(targets('curricularface'), [-76.1416172, -63.3421679]);
    expectClose(targets('curricularface'), targets('arcface'));
  });

  it('CurricularFace t is saved and restored as a plain number', () => {
    const head = createHead({ type: 'curricularface' });
    head.restore({ t: 0.25 });
    expect(head.state().t).toBeCloseTo(0.25, 7);
    // With t = 0.25 and no training update: 0.96 * 1.21 = 1.1616, 0.6 * 0.85 = 0.51.
    const out = tf.tidy(() => Array.from(head.logits(embeddings(), classWeights(), labels(), false).dataSync()));
    expectClose(
      out.slice(0, 3),
      [arcTarget, 1.1616, 0.51].map((c) => 64 * c),
    );
    expect(() => head.restore({})).toThrow(/"t" must be a finite number/);
    head.dispose();
  });

  it('gradients stay finite when an embedding sits exactly on its class centre', () => {
    for (const type of ['arcface', 'curricularface', 'cosface', 'softmax'] as const) {
      const head = createHead({ type });
      const grad = tf.tidy(() => {
        const w = tf.tensor2d([
          [1, 0],
          [0, 1],
        ]);
        const g = tf.grad((e: tf.Tensor) =>
          crossEntropy(head.logits(e as tf.Tensor2D, w, tf.tensor1d([0], 'int32'), true), tf.tensor1d([0], 'int32')),
        );
        return Array.from(g(tf.tensor2d([[1, 0]])).dataSync());
      });
      head.dispose();
      expect(grad.every(Number.isFinite), `${type}: ${grad}`).toBe(true);
    }
  });

  it('does not leak tensors', () => {
    const head = createHead({ type: 'curricularface' });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++)
      tf.tidy(() => {
        head.logits(embeddings(), classWeights(), labels(), true);
      });
    expect(tf.memory().numTensors).toBe(before);
    head.dispose();
  });
});

describe('heads in a training loop', () => {
  it.each(['softmax', 'cosface', 'arcface', 'curricularface'] as const)(
    '%s: SGD on the class weights lowers the loss without leaking tensors',
    (type) => {
      const head = createHead({ type, s: 16 });
      const weights = tf.variable(
        tf.tensor2d([
          [0.3, -0.2, 0.1],
          [0.1, 0.4, -0.3],
          [-0.2, 0.1, 0.5],
          [0.2, 0.2, 0.2],
        ]),
      );
      const e = tf.tensor2d([
        [1, 0.2, 0, 0.1],
        [0.1, 1, 0.2, 0],
        [0, 0.1, 1, 0.3],
        [0.9, 0.1, 0.1, 0],
        [0.2, 0.8, 0, 0.1],
        [0, 0.2, 0.9, 0.2],
      ]);
      const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
      const optimizer = tf.train.sgd(0.05);
      const step = () =>
        optimizer.minimize(() => crossEntropy(head.logits(e, weights, labels, true), labels), true, [
          weights,
        ]) as tf.Scalar;
      const first = step();
      const firstLoss = first.dataSync()[0] as number;
      first.dispose();
      const tensorsAfterFirst = tf.memory().numTensors;
      let lastLoss = firstLoss;
      for (let i = 0; i < 20; i++) {
        const loss = step();
        lastLoss = loss.dataSync()[0] as number;
        loss.dispose();
      }
      expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
      expect(lastLoss).toBeLessThan(firstLoss);
      if (type === 'curricularface') expect(head.state().t).toBeGreaterThan(0);
      tf.dispose([weights, e, labels]);
      optimizer.dispose();
      head.dispose();
    },
  );
});

describe('createHead config', () => {
  it('fills the defaults per head type', () => {
    const configs = (['softmax', 'cosface', 'arcface', 'curricularface'] as const).map((type) => {
      const head = createHead({ type });
      head.dispose();
      return head.config;
    });
    expect(configs.map((c) => [c.s, c.m])).toEqual([
      [64, 0],
      [64, 0.35],
      [64, 0.5],
      [64, 0.5],
    ]);
  });

  it('rejects bad values with a message naming the field and the value', () => {
    expect(() => createHead({ type: 'arcface', s: -1 })).toThrow('head config: head scale s must be > 0, got -1');
    expect(() => createHead({ type: 'arcface', m: 2 })).toThrow(/head margin m must be < pi\/2 \(1.5708\), got 2/);
    expect(() => createHead({ type: 'sphereface' as 'arcface' })).toThrow(
      /head type must be one of softmax, cosface, arcface, curricularface, got "sphereface"/,
    );
  });
});

describe('crossEntropy', () => {
  it('is the mean of -log softmax at the label', () => {
    // Row 0: log(1 + e^-2 + e^-3) = 0.169846; row 1: log 3 = 1.098612; mean 0.634229.
    const loss = tf.tidy(
      () =>
        crossEntropy(
          tf.tensor2d([
            [2, 0, -1],
            [0, 0, 0],
          ]),
          tf.tensor1d([0, 1], 'int32'),
        ).dataSync()[0] as number,
    );
    expect(loss).toBeCloseTo(0.6342291541, 6);
  });
});
