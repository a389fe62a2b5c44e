import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDdlConfig } from './ddl-config.js';
import { ddlLoss, type DdlBranches } from './ddl-loss.js';
import type { EmbeddingBranch } from './loss-terms.js';

// Inputs and float64 outputs (terms and d total / d input) from a throwaway PyTorch 1.13
// re-implementation of Tencent/TFace recognition/torchkit/loss/ddl.py (class DDL); see the
// "source" field of the expected file.
const fixtures = new URL('../fixtures/', import.meta.url);
const inputPath = new URL('reference-ddl.input.json', fixtures);
const input = JSON.parse(readFileSync(inputPath, 'utf8')) as { teacher: EmbeddingBranch; student: EmbeddingBranch };
type Expected = {
  total: number;
  posKL: number;
  negKL: number;
  order: number;
  teacher: { posMean: number; negMean: number; posKept: number };
  student: { posMean: number; negMean: number; posKept: number };
  gradients: {
    teacherSingles: number[][];
    studentSingles: number[][];
    teacherPairs: [number[][], number[][]];
    studentPairs: [number[][], number[][]];
  };
};
const expected = JSON.parse(readFileSync(new URL('reference-ddl.expected.json', fixtures), 'utf8')) as {
  reference: Expected;
  clean: Expected;
};

const relativeError = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

function vectorRelativeError(got: ArrayLike<number>, want: number[]): number {
  let diff = 0;
  let norm = 0;
  want.forEach((w, i) => {
    diff += ((got[i] as number) - w) ** 2;
    norm += w ** 2;
  });
  return Math.sqrt(diff / norm);
}

function branchesFrom(xs: tf.Tensor[]): DdlBranches {
  return {
    teacherSingles: xs[0] as tf.Tensor2D,
    studentSingles: xs[1] as tf.Tensor2D,
    teacherPairs: [xs[2] as tf.Tensor2D, xs[3] as tf.Tensor2D],
    studentPairs: [xs[4] as tf.Tensor2D, xs[5] as tf.Tensor2D],
  };
}

const inputMatrices = () =>
  [
    input.teacher.singles,
    input.student.singles,
    input.teacher.pairs.map((p) => p[0]),
    input.teacher.pairs.map((p) => p[1]),
    input.student.pairs.map((p) => p[0]),
    input.student.pairs.map((p) => p[1]),
  ].map((rows) => tf.tensor2d(rows));

for (const backend of ['cpu', 'wasm']) {
  describe(`matches the PyTorch reference numbers (${backend} backend)`, () => {
    for (const compat of ['reference', 'clean'] as const) {
      it(`${compat}: every term within 1e-4 relative, gradients within 1e-3`, async () => {
        await tf.setBackend(backend);
        const want = expected[compat];
        const config = parseDdlConfig({ compat });
        const got = tf.tidy(() => {
          const terms = ddlLoss(branchesFrom(inputMatrices()), config);
          const n = (t: tf.Tensor) => t.dataSync()[0] as number;
          return {
            total: n(terms.total),
            posKL: n(terms.posKL),
            negKL: n(terms.negKL),
            order: n(terms.order),
            teacher: {
              posMean: n(terms.teacher.posMean),
              negMean: n(terms.teacher.negMean),
              posKept: n(terms.teacher.posKept),
            },
            student: {
              posMean: n(terms.student.posMean),
              negMean: n(terms.student.negMean),
              posKept: n(terms.student.posKept),
            },
          };
        });
        for (const term of ['total', 'posKL', 'negKL', 'order'] as const) {
          expect(relativeError(got[term], want[term]), `${term}: ${got[term]} vs ${want[term]}`).toBeLessThan(1e-4);
        }
        for (const branch of ['teacher', 'student'] as const) {
          expect(relativeError(got[branch].posMean, want[branch].posMean)).toBeLessThan(1e-5);
          expect(relativeError(got[branch].negMean, want[branch].negMean)).toBeLessThan(1e-5);
          expect(got[branch].posKept).toBe(want[branch].posKept);
        }
        const grads = tf.tidy(() =>
          tf
            .grads((...xs: tf.Tensor[]) => ddlLoss(branchesFrom(xs), config).total)(inputMatrices())
            .map((g) => g.dataSync()),
        );
        const wantGrads = [
          want.gradients.teacherSingles,
          want.gradients.studentSingles,
          ...want.gradients.teacherPairs,
          ...want.gradients.studentPairs,
        ];
        const names = [
          'teacherSingles',
          'studentSingles',
          'teacherPairs[0]',
          'teacherPairs[1]',
          'studentPairs[0]',
          'studentPairs[1]',
        ];
        grads.forEach((g, i) => {
          expect(vectorRelativeError(g, wantGrads[i]!.flat()), `d total / d ${names[i]}`).toBeLessThan(1e-3);
        });
      });
    }
  });
}
