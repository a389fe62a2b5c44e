import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeVerificationReport } from './verification-report.js';

// Expected values computed outside the project by scikit-learn / numpy / scipy (see the fixture's
// `description`): roc_auc_score, roc_curve(drop_intermediate=False), brentq EER, KFold(10) folds.
interface Stats {
  count: number;
  mean: number;
  sd: number;
  min: number;
  max: number;
  median: number;
}
interface ReferenceCase {
  name: string;
  scores: number[];
  labels: number[];
  expected: {
    auc: number;
    roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
    eer: number;
    tarAtFar: (number | null)[];
    histogram: { genuine: number[]; impostor: number[] };
    genuine: Stats;
    impostor: Stats;
    margin: number;
    dPrime: number | null;
    overlap: number;
    accuracy: { perFold: number[]; thresholds: number[]; trainingAccuracy: number[]; mean: number; sd: number };
  };
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/sklearn-reference.json', import.meta.url), 'utf8')) as {
  bins: number;
  farTargets: number[];
  cases: ReferenceCase[];
};

describe('matches scikit-learn / numpy on seeded random score sets', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const report = computeVerificationReport(new Float64Array(c.scores), c.labels, null, {
      bins: fixture.bins,
      farTargets: fixture.farTargets,
      folds: 10,
      foldAssignment: 'contiguous', // = KFold(shuffle=False)
      rocPoints: 100_000, // keep every vertex
    });
    const all = report.overall;
    const e = c.expected;

    expect(all.auc).toBeCloseTo(e.auc, 12);

    // Same vertices: sklearn's first point (threshold max + 1 in sklearn 1.2) is our null-threshold origin.
    const points = all.roc!.points;
    expect(points).toHaveLength(e.roc.fpr.length);
    points.forEach((p, v) => {
      expect(p.far).toBeCloseTo(e.roc.fpr[v]!, 12);
      expect(p.tar).toBeCloseTo(e.roc.tpr[v]!, 12);
      if (v === 0) expect(p.threshold).toBeNull();
      else expect(p.threshold).toBe(e.roc.thresholds[v - 1]! + 0); // + 0: the fixture has a -0 and we report 0
    });

    expect(all.eer!.rate).toBeCloseTo(e.eer, 12);
    expect(all.tarAtFar.map((t) => t.tar)).toEqual(e.tarAtFar);

    expect(all.distributions.histogram.genuine.counts).toEqual(e.histogram.genuine);
    expect(all.distributions.histogram.impostor.counts).toEqual(e.histogram.impostor);
    for (const [ours, theirs] of [
      [all.distributions.genuine!, e.genuine],
      [all.distributions.impostor!, e.impostor],
    ] as const) {
      expect(ours.count).toBe(theirs.count);
      expect(ours.mean).toBeCloseTo(theirs.mean, 12);
      expect(ours.sd).toBeCloseTo(theirs.sd, 12);
      expect([ours.min, ours.max]).toEqual([theirs.min, theirs.max]);
      expect(ours.median).toBeCloseTo(theirs.median, 15);
    }
    expect(all.distributions.margin).toBeCloseTo(e.margin, 12);
    if (e.dPrime === null) expect(all.distributions.dPrime).toBeNull();
    else expect(all.distributions.dPrime).toBeCloseTo(e.dPrime, 10);
    expect(all.distributions.overlap).toBeCloseTo(e.overlap, 12);

    const accuracy = all.accuracy!;
    expect(accuracy.perFold.map((f) => f.accuracy)).toEqual(e.accuracy.perFold);
    expect(accuracy.perFold.map((f) => f.trainingAccuracy)).toEqual(e.accuracy.trainingAccuracy);
    accuracy.perFold.forEach((f, k) => expect(f.threshold).toBeCloseTo(e.accuracy.thresholds[k]!, 14));
    expect(accuracy.mean).toBeCloseTo(e.accuracy.mean, 14);
    expect(accuracy.sd).toBeCloseTo(e.accuracy.sd, 14);
  });
});
