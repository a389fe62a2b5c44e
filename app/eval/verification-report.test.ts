import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { computeVerificationReport } from './verification-report.js';

// Eight scores worked out by hand. Binary fractions keep every midpoint exact.
// genuine: 0.875 0.75 0.5 0.5     impostor: 0.625 0.5 0.25 0.125     (0.5 is a 2 genuine + 1 impostor tie)
const handScores = [0.875, 0.625, 0.5, 0.25, 0.75, 0.5, 0.5, 0.125];
const handLabels = [1, 0, 1, 0, 1, 0, 1, 0];

describe('computeVerificationReport on scores worked out by hand (ties included)', () => {
  const report = computeVerificationReport(new Float64Array(handScores), handLabels, null, {
    folds: 2,
    foldAssignment: 'contiguous',
    bins: 4,
  });
  const all = report.overall;

  it('counts pairs', () => {
    expect([all.pairs, all.genuine, all.impostor]).toEqual([8, 4, 4]);
  });

  it('ROC: one vertex per distinct score; the tie at 0.5 is one diagonal step', () => {
    expect(all.roc?.vertices).toBe(7);
    expect(all.roc?.points).toEqual([
      { threshold: null, far: 0, tar: 0 },
      { threshold: 0.875, far: 0, tar: 0.25 },
      { threshold: 0.75, far: 0, tar: 0.5 },
      { threshold: 0.625, far: 0.25, tar: 0.5 },
      { threshold: 0.5, far: 0.5, tar: 1 }, // two genuine and one impostor accepted together
      { threshold: 0.25, far: 0.75, tar: 1 },
      { threshold: 0.125, far: 1, tar: 1 },
    ]);
  });

  it('AUC = Mann-Whitney with ties counted half: (2 + 3 + 4 + 4) / 16', () => {
    // impostor 0.625 is beaten by 2 genuine; 0.5 by 2 and tied with 2 (2 + 2·½); 0.25 and 0.125 by all 4.
    expect(all.auc).toBe(13 / 16);
  });

  it('EER: FAR = FRR between vertices (0.25, 0.5) and (0.5, 0) → 1/3', () => {
    // FAR - FRR goes from -0.25 to +0.5: one third of the way along the segment.
    expect(all.eer?.rate).toBeCloseTo(1 / 3, 15);
    expect(all.eer?.threshold).toBeCloseTo(0.625 - 0.125 / 3, 15);
  });

  it('2-fold accuracy: thresholds chosen on the other fold, midpoint of the best interval', () => {
    // Fold 0 = first four pairs, fold 1 = last four. Training on fold 1 {g .75, i .5, g .5, i .125}: accept ≥ .75
    // gets 3/4 (accepting the .5 tie too also gets 3/4, the higher interval wins) → threshold (.75 + .5)/2 = .625.
    // Fold 0 at .625: g .875 ✓, i .625 accepted ✗, g .5 rejected ✗, i .25 ✓ → 0.5.
    // Training on fold 0 {g .875, i .625, g .5, i .25}: accept ≥ .875 gets 3/4 → threshold (.875 + .625)/2 = .75.
    // Fold 1 at .75: g .75 ✓ (≥), i .5 ✓, g .5 ✗, i .125 ✓ → 0.75.
    const accuracy = all.accuracy!;
    expect(accuracy.perFold.map((f) => f.threshold)).toEqual([0.625, 0.75]);
    expect(accuracy.perFold.map((f) => f.accuracy)).toEqual([0.5, 0.75]);
    expect(accuracy.perFold.map((f) => f.trainingAccuracy)).toEqual([0.75, 0.75]);
    expect(accuracy.perFold.map((f) => f.pairs)).toEqual([4, 4]);
    expect(accuracy.mean).toBe(0.625);
    expect(accuracy.sd).toBeCloseTo(Math.sqrt(2 * 0.125 ** 2), 15);
    expect(accuracy.standardError).toBeCloseTo(0.125, 15);
    expect(accuracy.assignment).toBe('contiguous');
    expect(accuracy.seed).toBeNull();
  });

  it('distributions: E[S+], E[S-], margin, d′, medians, histograms and overlap', () => {
    const d = all.distributions;
    expect(d.genuine).toEqual({
      count: 4,
      mean: 0.65625,
      sd: Math.sqrt(0.10546875 / 4),
      min: 0.5,
      max: 0.875,
      median: 0.625,
    });
    expect(d.impostor).toEqual({
      count: 4,
      mean: 0.375,
      sd: Math.sqrt(0.15625 / 4),
      min: 0.125,
      max: 0.625,
      median: 0.375,
    });
    expect(d.margin).toBe(0.28125);
    expect(d.dPrime).toBeCloseTo(0.28125 / Math.sqrt((0.0263671875 + 0.0390625) / 2), 12);
    // 4 bins over [-1, 1]: [-1,-.5) [-.5,0) [0,.5) [.5,1]; 0.5 falls in the last bin.
    expect(d.histogram.genuine).toEqual({ counts: [0, 0, 0, 4], below: 0, above: 0 });
    expect(d.histogram.impostor).toEqual({ counts: [0, 0, 2, 2], below: 0, above: 0 });
    expect(d.overlap).toBe(0.5);
  });

  it('TAR@FAR is n/a with the reason for every FAR: 4 impostors are too few', () => {
    expect(all.tarAtFar.map((t) => t.tar)).toEqual([null, null, null, null, null, null]);
    expect(all.tarAtFar[0]).toEqual({
      far: 0.1,
      tar: null,
      threshold: null,
      achievedFar: null,
      requiredImpostors: 100,
      reason: 'n/a: needs ≥ 100 impostor pairs, have 4',
    });
  });

  it('says the threshold convention and survives a JSON round trip unchanged', () => {
    expect(report.acceptRule).toBe('score >= threshold');
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('TAR at FAR', () => {
  it('reports TAR only where at least 10/FAR impostor pairs exist', () => {
    const random = new Random(3);
    const scores = new Float64Array(4100);
    const labels = new Uint8Array(4100);
    for (let i = 0; i < 4100; i++) {
      labels[i] = i < 100 ? 1 : 0;
      scores[i] = random.normal() * 0.1 + (i < 100 ? 0.5 : 0);
    }
    const { tarAtFar } = computeVerificationReport(scores, labels).overall;
    expect(tarAtFar.map((t) => t.far)).toEqual([1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6]);
    expect(tarAtFar.map((t) => t.tar !== null)).toEqual([true, true, false, false, false, false]);
    expect(tarAtFar[2]!.reason).toBe('n/a: needs ≥ 10000 impostor pairs, have 4000');
    expect(tarAtFar[4]!.reason).toBe('n/a: needs ≥ 1000000 impostor pairs, have 4000');
    expect(tarAtFar.map((t) => t.requiredImpostors)).toEqual([100, 1000, 10000, 100000, 1000000, 10000000]);
  });

  it('takes the lowest threshold whose FAR is ≤ the target, never interpolated, ties kept together', () => {
    // 100 impostors at 0.00, 0.01, …, 0.99 except that 0.90 and 0.91 are tied at 0.905.
    const impostors = Array.from({ length: 100 }, (_, k) => (k === 90 || k === 91 ? 0.905 : k / 100));
    const genuine = [0.95, 0.93, 0.905, 0.9, 0.85, 0.5];
    const scores = [...genuine, ...impostors];
    const labels = [...genuine.map(() => 1), ...impostors.map(() => 0)];
    const far10 = computeVerificationReport(scores, labels, null, { farTargets: [0.1] }).overall.tarAtFar[0]!;
    // Accepting ≥ 0.905 lets in 0.92 … 0.99 (8) plus the tied pair = 10 impostors: FAR exactly 0.1. The next
    // score down, 0.9, is genuine only, so accepting ≥ 0.9 keeps FAR at 0.1 and gains a genuine pair.
    expect(far10).toMatchObject({ threshold: 0.9, achievedFar: 0.1, tar: 4 / 6, reason: null });
    // Now tie 0.89 and 0.90 at 0.895: accepting the tie would make FAR 11/100 > 0.1 and a tie cannot be split,
    // so the operating point stays above it: ≥ 0.9 (genuine only below 0.91), FAR 9/100.
    const tiedAcross = Array.from({ length: 100 }, (_, k) => (k === 89 || k === 90 ? 0.895 : k / 100));
    const straddling = computeVerificationReport([...genuine, ...tiedAcross], labels, null, { farTargets: [0.1] })
      .overall.tarAtFar[0]!;
    expect(straddling).toMatchObject({ threshold: 0.9, achievedFar: 0.09, tar: 4 / 6 });
  });
});

describe('per pair type and gaps', () => {
  // easy-easy separates perfectly; easy-hard overlaps.
  const scores = [0.9, 0.8, 0.7, 0.1, 0.0, -0.1, /* easy-hard */ 0.5, 0.3, 0.2, 0.4, 0.25, -0.2];
  const labels = [1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0];
  const types = [...Array(6).fill('easy-easy'), ...Array(6).fill('easy-hard')] as string[];
  const report = computeVerificationReport(scores, labels, types, { folds: 2 });

  it('computes every metric per type, in the easy-easy, easy-hard, hard-hard order', () => {
    expect(report.byType.map((t) => t.type)).toEqual(['easy-easy', 'easy-hard']);
    expect(report.byType[0]!.auc).toBe(1);
    // easy-hard: genuine .5 .3 .2 vs impostor .4 .25 -.2: wins 2+1+3 = 6… per impostor: .4 beaten by 1, .25 by 2, -.2 by 3.
    expect(report.byType[1]!.auc).toBe(6 / 9);
    expect(report.byType[0]!.distributions.margin).toBeCloseTo(0.8, 12);
    expect(report.byType[1]!.distributions.margin).toBeCloseTo(1 / 3 - 0.15, 12);
    expect(report.overall.pairs).toBe(12);
  });

  it('gaps are reference minus type for higher-is-better metrics (positive = type worse)', () => {
    expect(report.gaps).toHaveLength(1);
    const gap = report.gaps[0]!;
    expect(gap.reference).toBe('easy-easy');
    expect(gap.type).toBe('easy-hard');
    expect(gap.auc).toBeCloseTo(1 - 6 / 9, 15);
    expect(gap.margin).toBeCloseTo(0.8 - (1 / 3 - 0.15), 12);
    expect(gap.eer).toBeCloseTo(report.byType[1]!.eer!.rate - report.byType[0]!.eer!.rate, 15);
    expect(gap.eer!).toBeGreaterThan(0);
    expect(gap.overlap!).toBeGreaterThanOrEqual(0);
    expect(gap.accuracy).toBeCloseTo(report.byType[0]!.accuracy!.mean - report.byType[1]!.accuracy!.mean, 15);
    expect(gap.tarAtFar.every((t) => t.gap === null)).toBe(true);
  });

  it('accepts types as codes and gives the same report', () => {
    const coded = computeVerificationReport(
      scores,
      labels,
      { codes: types.map((t) => (t === 'easy-hard' ? 0 : 1)), names: ['easy-hard', 'easy-easy'] },
      { folds: 2 },
    );
    expect(coded).toEqual(report);
  });

  it('marks metrics n/a with reasons for a type that has only genuine pairs', () => {
    const r = computeVerificationReport(
      [0.9, 0.1, 0.8, 0.7],
      [1, 0, 1, 1],
      ['easy-easy', 'easy-easy', 'hard-hard', 'hard-hard'],
      { folds: 2 },
    );
    const hard = r.byType[1]!;
    expect(hard.auc).toBeNull();
    expect(hard.accuracy).toBeNull();
    expect(hard.unavailable.auc).toBe('n/a: needs both genuine and impostor pairs, have 2 genuine and 0 impostor');
    expect(hard.distributions.genuine?.mean).toBeCloseTo(0.75, 15);
    expect(hard.distributions.margin).toBeNull();
    expect(r.gaps[0]!.auc).toBeNull();
  });

  it('uses another reference type when asked, and refuses an unknown one', () => {
    expect(
      computeVerificationReport(scores, labels, types, { folds: 2, gapReference: 'easy-hard' }).gaps[0]!.reference,
    ).toBe('easy-hard');
    expect(() => computeVerificationReport(scores, labels, types, { gapReference: 'hard-hard' })).toThrow(
      /gapReference is "hard-hard".*"easy-easy", "easy-hard"/,
    );
  });
});

describe('k-fold accuracy availability and fold assignment', () => {
  it('is n/a with fewer pairs than folds', () => {
    const r = computeVerificationReport([0.9, 0.1, 0.8, 0.2], [1, 0, 1, 0]);
    expect(r.overall.accuracy).toBeNull();
    expect(r.overall.unavailable.accuracy).toBe('n/a: 10-fold accuracy needs ≥ 10 pairs, have 4');
  });

  it('stratified folds are deterministic for a seed, balanced in size and label, and change with the seed', () => {
    const random = new Random(11);
    const n = 1003;
    const scores = Float64Array.from({ length: n }, () => random.normal());
    const labels = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const a = computeVerificationReport(scores, labels).overall.accuracy!;
    const b = computeVerificationReport(scores, labels).overall.accuracy!;
    const c = computeVerificationReport(scores, labels, null, { seed: 5 }).overall.accuracy!;
    expect(a).toEqual(b);
    const sizes = a.perFold.map((f) => f.pairs);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.reduce((x, y) => x + y, 0)).toBe(n);
    expect(c.perFold.map((f) => f.accuracy)).not.toEqual(a.perFold.map((f) => f.accuracy));
  });

  it('says so when contiguous folds leave a type without pairs in a fold', () => {
    const scores = Array.from({ length: 40 }, (_, i) => i / 40);
    const labels = scores.map((_, i) => i % 2);
    const types = scores.map((_, i) => (i < 20 ? 'easy-easy' : 'easy-hard'));
    const r = computeVerificationReport(scores, labels, types, { foldAssignment: 'contiguous' });
    expect(r.overall.accuracy).not.toBeNull();
    expect(r.byType[0]!.unavailable.accuracy).toMatch(/^n\/a: fold 5 has no pairs of this set/);
  });
});

describe('input checks', () => {
  it('names the index and value of a bad score, label or type', () => {
    expect(() => computeVerificationReport([0.1, NaN], [1, 0])).toThrow(
      'scores[1] is NaN; every score must be a finite number.',
    );
    expect(() => computeVerificationReport([0.1, 0.2], [1, 2])).toThrow(
      'labels[1] is 2; a label must be 1 (genuine) or 0 (impostor).',
    );
    expect(() => computeVerificationReport([0.1, 0.2], [1])).toThrow(/labels has 1 entries but scores has 2/);
    expect(() => computeVerificationReport([0.1, 0.2], [1, 0], ['easy-easy'])).toThrow(/types has 1 entries/);
    expect(() => computeVerificationReport([0.1, 0.2], [1, 0], null, { bins: 0 })).toThrow(/options.bins/);
    expect(() => computeVerificationReport([0.1, 0.2], [1, 0], null, { range: [1, -1] })).toThrow(/options.range/);
  });

  it('handles an empty input without a number made up', () => {
    const r = computeVerificationReport(new Float32Array(0), []);
    expect(r.overall.pairs).toBe(0);
    expect(r.overall.auc).toBeNull();
    expect(r.overall.distributions.genuine).toBeNull();
    expect(r.overall.distributions.overlap).toBeNull();
  });

  it('counts scores outside the histogram range instead of dropping them silently', () => {
    const r = computeVerificationReport([3, -2, 0.5, 0.25], [1, 0, 1, 0], null, { bins: 2 });
    expect(r.overall.distributions.histogram.genuine).toEqual({ counts: [0, 1], below: 0, above: 1 });
    expect(r.overall.distributions.histogram.impostor).toEqual({ counts: [0, 1], below: 1, above: 0 });
  });

  it('gives the same report for float32 and float64 copies of float32 scores', () => {
    const random = new Random(2);
    const f32 = Float32Array.from({ length: 500 }, () => Math.round(random.normal() * 50) / 50);
    const labels = Uint8Array.from({ length: 500 }, (_, i) => i % 2);
    expect(computeVerificationReport(f32, labels)).toEqual(computeVerificationReport(Float64Array.from(f32), labels));
  });
});

describe('JSON safety', () => {
  it('never puts NaN or Infinity in a report, even for degenerate inputs', () => {
    const cases: [number[], number[]][] = [
      [[0.3], [1]],
      [[0.3], [0]],
      [Array(12).fill(0.25), [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]],
      [Array.from({ length: 12 }, (_, i) => i / 12), Array(12).fill(1)],
      [Array.from({ length: 12 }, (_, i) => -i), Array.from({ length: 12 }, (_, i) => (i < 6 ? 1 : 0))],
      [Array.from({ length: 200 }, (_, i) => (i % 7) / 7), Array.from({ length: 200 }, (_, i) => i % 2)],
    ];
    for (const [scores, labels] of cases) {
      const report = computeVerificationReport(
        scores,
        labels,
        scores.map((_, i) => (i % 3 === 0 ? 'easy-easy' : 'hard-hard')),
      );
      expect(JSON.parse(JSON.stringify(report))).toEqual(report);
      for (const set of [report.overall, ...report.byType]) {
        for (const [metric, reason] of Object.entries(set.unavailable)) expect(reason, metric).toMatch(/^n\/a: /);
        if (set.auc === null) expect(set.unavailable.auc).toBeDefined();
        if (set.accuracy === null) expect(set.unavailable.accuracy).toBeDefined();
      }
    }
  });
});
