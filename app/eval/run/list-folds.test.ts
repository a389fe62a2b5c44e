import { describe, expect, it } from 'vitest';
import { Random } from '../../util/random.js';
import { computeVerificationReport } from '../verification-report.js';
import type { ImageEmbeddings } from './embed-images.js';
import { evaluateEmbeddings } from './evaluate-embeddings.js';

// A pair list that carries folds (LFW pairs.txt's ten sets, an insightface .bin's ten blocks) is
// evaluated on those folds, not on shuffled ones: the per-fold sizes and members are the list's.

/** 2-D unit embeddings, one image per row, random angles; pairs (2k, 2k+1). */
function fixture(pairs: number, seed: number) {
  const random = new Random(seed);
  const n = 2 * pairs;
  const embeddings = new Float32Array(n * 2);
  const same = new Uint8Array(pairs);
  for (let k = 0; k < pairs; k++) {
    same[k] = k % 2 === 0 ? 1 : 0;
    const a = random.next() * Math.PI * 2;
    const b = same[k] ? a + (random.next() - 0.5) * 1.2 : a + (random.next() - 0.5) * 4;
    embeddings.set([Math.cos(a), Math.sin(a), Math.cos(b), Math.sin(b)], 4 * k);
  }
  const imageIds = Int32Array.from({ length: n }, (_, i) => i + 1);
  const embedded: ImageEmbeddings = {
    embeddings,
    dim: 2,
    imageIds,
    labels: Int32Array.from({ length: n }, (_, i) => i),
    rowOf: new Map(Array.from(imageIds, (id, row) => [id, row])),
    flipTest: false,
  };
  const image1Ids = Int32Array.from({ length: pairs }, (_, k) => 2 * k + 1);
  const image2Ids = Int32Array.from({ length: pairs }, (_, k) => 2 * k + 2);
  return { embedded, pairs: { image1Ids, image2Ids, same } };
}

describe("evaluation on the pair list's own folds", () => {
  it('uses the folds the list carries, with their sizes and members', () => {
    const { embedded, pairs } = fixture(60, 5);
    // Uneven folds no shuffle would deal: fold 0 holds the first 24 pairs, folds 1…9 four each.
    const folds = Int16Array.from({ length: 60 }, (_, k) => (k < 24 ? 0 : 1 + Math.floor((k - 24) / 4)));
    const result = evaluateEmbeddings({ embedded, pairs: { ...pairs, folds }, types: null, sides: null });
    const accuracy = result.report.overall.accuracy!;
    expect(accuracy.assignment).toBe('list');
    expect(accuracy.folds).toBe(10);
    expect(accuracy.seed).toBeNull();
    expect(accuracy.perFold.map((f) => f.pairs)).toEqual([24, 4, 4, 4, 4, 4, 4, 4, 4, 4]);
    // The same numbers as the metrics with those folds given directly.
    const direct = computeVerificationReport(result.scores, pairs.same, null, { foldAssignment: 'list' }, folds);
    expect(direct.overall.accuracy).toEqual(accuracy);
  });

  it('keeps the default protocol when any pair has no fold, or when the caller chose one', () => {
    const { embedded, pairs } = fixture(40, 6);
    const partly = Int16Array.from({ length: 40 }, (_, k) => (k === 7 ? -1 : k % 10));
    const shuffled = evaluateEmbeddings({ embedded, pairs: { ...pairs, folds: partly }, types: null, sides: null });
    expect(shuffled.report.overall.accuracy!.assignment).toBe('stratified-shuffle');
    const all = Int16Array.from({ length: 40 }, (_, k) => Math.floor(k / 4));
    const chosen = evaluateEmbeddings({
      embedded,
      pairs: { ...pairs, folds: all },
      types: null,
      sides: null,
      verification: { foldAssignment: 'contiguous' },
    });
    expect(chosen.report.overall.accuracy!.assignment).toBe('contiguous');
  });

  it("refuses 'list' without folds, or with a pair outside them", () => {
    expect(() => computeVerificationReport([0.1, 0.9], [0, 1], null, { foldAssignment: 'list' })).toThrow(
      /foldAssignment "list" needs the pair list's folds/,
    );
    expect(() => computeVerificationReport([0.1, 0.9], [0, 1], null, { foldAssignment: 'list' }, [0, -1])).toThrow(
      /fold of pair 1 is -1/,
    );
  });
});
