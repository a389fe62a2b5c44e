import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../util/random.js';
import { l2NormalizeRows } from '../normalize.js';
import { checkGradient, randomNormals } from '../test-utils.js';
import { parseDdlConfig, type DdlConfigInput } from './ddl-config.js';
import { ddlLoss, type DdlBranches } from './ddl-loss.js';
import { expectation } from './expectation.js';
import { hardestNegatives } from './hardest-negatives.js';
import { klDivergence } from './kl-divergence.js';
import { pairSimilarities, positiveWeights } from './positive-pairs.js';
import { binCenters, softHistogram } from './soft-histogram.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Raw = {
  teacherSingles: number[];
  studentSingles: number[];
  teacherPairs: [number[], number[]];
  studentPairs: [number[], number[]];
};

/** Pairs (a, a + noise * n): the larger the noise, the lower the pair cosine. */
function pairsWithNoise(rng: Random, count: number, dim: number, noise: number): [number[], number[]] {
  const first = randomNormals(rng, count * dim);
  const second = first.map((v) => v + noise * rng.normal());
  return [first, second];
}

function rawBranches(seed: number, size: number, dim: number, teacherNoise: number, studentNoise: number): Raw {
  const rng = new Random(seed);
  return {
    teacherSingles: randomNormals(rng, size * dim, 1, [0.5]),
    studentSingles: randomNormals(rng, size * dim, 1, [0.5]),
    teacherPairs: pairsWithNoise(rng, size, dim, teacherNoise),
    studentPairs: pairsWithNoise(rng, size, dim, studentNoise),
  };
}

function toBranches(raw: Raw, dim: number): DdlBranches {
  const t = (values: number[]) => tf.tensor2d(values, [values.length / dim, dim]);
  return {
    teacherSingles: t(raw.teacherSingles),
    studentSingles: t(raw.studentSingles),
    teacherPairs: [t(raw.teacherPairs[0]), t(raw.teacherPairs[1])],
    studentPairs: [t(raw.studentPairs[0]), t(raw.studentPairs[1])],
  };
}

const numberOf = (x: tf.Tensor) => x.dataSync()[0] as number;
const small = (extra: DdlConfigInput = {}) => parseDdlConfig({ bins: { count: 50 }, ...extra });

describe('ddlLoss composition', () => {
  it('total = lambdaPos * posKL + lambdaNeg * negKL + lambdaOrder * order, each term from the pieces', () => {
    const dim = 8;
    const raw = rawBranches(11, 12, dim, 0.3, 0.8);
    const config = parseDdlConfig({ lambdaPos: 0.3, lambdaNeg: 0.7, lambdaOrder: 0.2 });
    tf.tidy(() => {
      const b = toBranches(raw, dim);
      const terms = ddlLoss(b, config);
      const centers = binCenters(config.bins);
      const positives = (pair: [tf.Tensor2D, tf.Tensor2D]) =>
        pairSimilarities(l2NormalizeRows(pair[0]), l2NormalizeRows(pair[1]));
      const tPos = positives(b.teacherPairs);
      const sPos = positives(b.studentPairs);
      const tw = positiveWeights(tPos, 0);
      const sw = positiveWeights(sPos, 0);
      const tNeg = hardestNegatives(l2NormalizeRows(b.teacherSingles), 'clean');
      const sNeg = hardestNegatives(l2NormalizeRows(b.studentSingles), 'clean');
      const posKL = numberOf(
        klDivergence(softHistogram(tPos, centers, 0.1, tw), softHistogram(sPos, centers, 0.1, sw)),
      );
      const negKL = numberOf(klDivergence(softHistogram(tNeg, centers, 0.1), softHistogram(sNeg, centers, 0.1)));
      const [tp, sp, tn, sn] = [
        numberOf(expectation(tPos, tw)),
        numberOf(expectation(sPos, sw)),
        numberOf(tNeg.mean()),
        numberOf(sNeg.mean()),
      ];
      const order = tn - tp + (tn - sp) + (sn - tp) + (sn - sp);
      expect(numberOf(terms.posKL)).toBeCloseTo(posKL, 6);
      expect(numberOf(terms.negKL)).toBeCloseTo(negKL, 6);
      expect(numberOf(terms.order)).toBeCloseTo(order, 6);
      expect(numberOf(terms.total)).toBeCloseTo(0.3 * posKL + 0.7 * negKL + 0.2 * order, 5);
      expect(numberOf(terms.teacher.posMean)).toBeCloseTo(tp, 6);
      expect(numberOf(terms.student.negMean)).toBeCloseTo(sn, 6);
      expect(numberOf(terms.teacher.posKept)).toBe(12);
      expect(numberOf(terms.histograms.studentNeg.sum())).toBeCloseTo(1, 5);
      expect(terms.histograms.teacherPos.shape).toEqual([1000]);
    });
  });

  it('identical teacher and student give KL = 0', () => {
    const dim = 8;
    const raw = rawBranches(5, 10, dim, 0.4, 0.4);
    const same: Raw = { ...raw, studentSingles: raw.teacherSingles, studentPairs: raw.teacherPairs };
    for (const compat of ['clean', 'reference'] as const) {
      tf.tidy(() => {
        const terms = ddlLoss(toBranches(same, dim), parseDdlConfig({ compat }));
        expect(numberOf(terms.posKL)).toBe(0);
        expect(numberOf(terms.negKL)).toBe(0);
      });
    }
  });

  it('reference mode differs from clean mode only in the negatives (last row 0, clipped at 0)', () => {
    const dim = 4;
    const raw = rawBranches(9, 6, dim, 0.3, 0.6);
    tf.tidy(() => {
      const clean = ddlLoss(toBranches(raw, dim), parseDdlConfig({}));
      const reference = ddlLoss(toBranches(raw, dim), parseDdlConfig({ compat: 'reference' }));
      expect(numberOf(reference.teacher.posMean)).toBe(numberOf(clean.teacher.posMean));
      expect(numberOf(reference.posKL)).toBe(numberOf(clean.posKL));
      expect(numberOf(reference.teacher.negMean)).toBeLessThan(numberOf(clean.teacher.negMean));
    });
  });

  it('drops positive pairs at or below positiveThreshold from the histogram and the mean', () => {
    const dim = 2;
    // Student pair cosines: 0.6, -0.6, 0.8.
    const branches = () => ({
      teacherSingles: tf.tensor2d([
        [1, 0],
        [0, 1],
        [-1, 0],
      ]),
      studentSingles: tf.tensor2d([
        [1, 0],
        [0, 1],
        [-1, 0],
      ]),
      teacherPairs: [tf.tensor2d([[1, 0]]), tf.tensor2d([[0.6, 0.8]])] as [tf.Tensor2D, tf.Tensor2D],
      studentPairs: [
        tf.tensor2d([
          [1, 0],
          [1, 0],
          [0, 1],
        ]),
        tf.tensor2d([
          [0.6, 0.8],
          [-0.6, 0.8],
          [0.6, 0.8],
        ]),
      ] as [tf.Tensor2D, tf.Tensor2D],
    });
    void dim;
    tf.tidy(() => {
      const at0 = ddlLoss(branches(), parseDdlConfig({}));
      expect(numberOf(at0.student.posMean)).toBeCloseTo(0.7, 6);
      expect(numberOf(at0.student.posKept)).toBe(2);
      const at07 = ddlLoss(branches(), parseDdlConfig({ positiveThreshold: 0.7 }));
      expect(numberOf(at07.student.posMean)).toBeCloseTo(0.8, 6);
      expect(numberOf(at07.teacher.posKept)).toBe(0);
      expect(numberOf(at07.teacher.posMean)).toBe(0);
      expect(Number.isFinite(numberOf(at07.total))).toBe(true);
    });
  });

  it('rejects mismatched shapes with a message naming the branch', () => {
    tf.tidy(() => {
      const b = toBranches(rawBranches(1, 4, 3, 0.1, 0.1), 3);
      expect(() => ddlLoss({ ...b, studentSingles: tf.zeros([4, 5]) as tf.Tensor2D }, small())).toThrow(
        'ddlLoss: studentSingles has embedding size 5, teacherSingles has 3',
      );
      expect(() => ddlLoss({ ...b, teacherSingles: tf.zeros([1, 3]) as tf.Tensor2D }, small())).toThrow(
        /teacherSingles has 1 row\(s\)/,
      );
      expect(() =>
        ddlLoss({ ...b, studentPairs: [tf.zeros([0, 3]), tf.zeros([0, 3])] as [tf.Tensor2D, tf.Tensor2D] }, small()),
      ).toThrow(/studentPairs is empty/);
    });
  });

  it('does not leak tensors', () => {
    const raw = rawBranches(2, 6, 4, 0.2, 0.5);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.grads(
          (ts: tf.Tensor, ss: tf.Tensor) =>
            ddlLoss(
              { ...toBranches(raw, 4), teacherSingles: ts as tf.Tensor2D, studentSingles: ss as tf.Tensor2D },
              small(),
            ).total,
        )([tf.tensor2d(raw.teacherSingles, [6, 4]), tf.tensor2d(raw.studentSingles, [6, 4])]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('ddlLoss gradients', () => {
  const dim = 3;
  const size = 4;
  const raw = rawBranches(21, size, dim, 0.3, 0.7);
  const inputs = [
    'teacherSingles',
    'studentSingles',
    'teacherPairs.0',
    'teacherPairs.1',
    'studentPairs.0',
    'studentPairs.1',
  ] as const;

  function totalAsFunctionOf(input: (typeof inputs)[number], config: ReturnType<typeof small>) {
    return (x: tf.Tensor): tf.Scalar => {
      const b = toBranches(raw, dim);
      const x2 = x as tf.Tensor2D;
      if (input === 'teacherSingles') b.teacherSingles = x2;
      else if (input === 'studentSingles') b.studentSingles = x2;
      else if (input === 'teacherPairs.0') b.teacherPairs = [x2, b.teacherPairs[1]];
      else if (input === 'teacherPairs.1') b.teacherPairs = [b.teacherPairs[0], x2];
      else if (input === 'studentPairs.0') b.studentPairs = [x2, b.studentPairs[1]];
      else b.studentPairs = [b.studentPairs[0], x2];
      return ddlLoss(b, config).total;
    };
  }

  function valuesOf(input: (typeof inputs)[number]): number[] {
    if (input === 'teacherSingles' || input === 'studentSingles') return raw[input];
    const [branch, half] = input.split('.') as ['teacherPairs' | 'studentPairs', '0' | '1'];
    return raw[branch][Number(half)] as number[];
  }

  for (const compat of ['clean', 'reference'] as const) {
    it(`total matches finite differences for every branch input (${compat}, 50 bins, lambdas 1)`, () => {
      // Lambdas of 1 so the KL terms are not drowned by the (linear) order term.
      const config = small({ compat, lambdaPos: 1, lambdaNeg: 1, lambdaOrder: 1 });
      for (const input of inputs) {
        const check = checkGradient(totalAsFunctionOf(input, config), valuesOf(input), [size, dim]);
        expect(check.relativeError, `${compat} ${input}`).toBeLessThan(5e-3);
      }
    });
  }

  it('teacherGradient "stop" gives the teacher embeddings zero gradient through the KL terms', () => {
    const klOnly = (teacherGradient: 'flow' | 'stop') => (ts: tf.Tensor, ta: tf.Tensor, tb: tf.Tensor) => {
      const b = toBranches(raw, dim);
      const terms = ddlLoss(
        { ...b, teacherSingles: ts as tf.Tensor2D, teacherPairs: [ta as tf.Tensor2D, tb as tf.Tensor2D] },
        small({ teacherGradient }),
      );
      return terms.posKL.add(terms.negKL) as tf.Scalar;
    };
    const gradNorms = (mode: 'flow' | 'stop') =>
      tf.tidy(() => {
        const b = toBranches(raw, dim);
        return tf
          .grads(klOnly(mode))([b.teacherSingles, b.teacherPairs[0], b.teacherPairs[1]])
          .map((g) => numberOf(g.abs().max()));
      });
    const flow = gradNorms('flow');
    const stop = gradNorms('stop');
    expect(
      flow.every((v) => v > 1e-4),
      `flow gradients ${flow}`,
    ).toBe(true);
    expect(stop).toEqual([0, 0, 0]);
    // Same values either way; the student still gets its gradient.
    tf.tidy(() => {
      const b = toBranches(raw, dim);
      expect(numberOf(ddlLoss(b, small({ teacherGradient: 'stop' })).total)).toBe(numberOf(ddlLoss(b, small()).total));
      const studentGrad = tf.grad(
        (ss: tf.Tensor) =>
          ddlLoss({ ...b, studentSingles: ss as tf.Tensor2D }, small({ teacherGradient: 'stop' })).negKL,
      )(b.studentSingles);
      expect(numberOf(studentGrad.abs().max())).toBeGreaterThan(1e-4);
    });
  });
});

describe('what DDL is for', () => {
  it('student positives below the teacher: gradient steps on the student pairs raise E[S+] and shrink KL(P+ || Q+)', () => {
    const dim = 16;
    const size = 32;
    // Teacher pair cosines around 0.8, student around 0.4.
    const raw = rawBranches(31, size, dim, 0.75, 2.3);
    const config = parseDdlConfig({});
    const teacher = toBranches(raw, dim);
    const studentFirst = tf.variable(tf.tensor2d(raw.studentPairs[0], [size, dim]));
    const studentSecond = tf.variable(tf.tensor2d(raw.studentPairs[1], [size, dim]));
    const measure = () =>
      tf.tidy(() => {
        const terms = ddlLoss({ ...teacher, studentPairs: [studentFirst, studentSecond] }, config);
        return {
          teacherPos: numberOf(terms.teacher.posMean),
          studentPos: numberOf(terms.student.posMean),
          posKL: numberOf(terms.posKL),
        };
      });
    const start = measure();
    expect(start.teacherPos).toBeGreaterThan(0.7);
    expect(start.studentPos).toBeLessThan(0.5);
    const optimizer = tf.train.sgd(2);
    for (let step = 0; step < 10; step++) {
      optimizer.minimize(
        () => ddlLoss({ ...teacher, studentPairs: [studentFirst, studentSecond] }, config).total,
        false,
        [studentFirst, studentSecond],
      );
    }
    const end = measure();
    // Measured: E[S+] 0.365 -> 0.445, KL(P+ || Q+) 3.08 -> 1.37; the teacher is untouched.
    expect(end.studentPos).toBeGreaterThan(start.studentPos + 0.05);
    expect(end.posKL).toBeLessThan(start.posKL * 0.6);
    expect(end.teacherPos).toBe(start.teacherPos);
    optimizer.dispose();
    studentFirst.dispose();
    studentSecond.dispose();
    tf.dispose(teacher as unknown as tf.TensorContainer);
  });
});
