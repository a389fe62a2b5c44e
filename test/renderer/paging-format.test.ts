import { describe, expect, it } from 'vitest';
import { columnsFor, pagesForRange, rowCount } from '../../renderer/src/lib/paging.js';
import { formatFar, formatNumber, formatPercent, formatPointDelta } from '../../renderer/src/lib/format.js';
import { formatRoute, parseRoute } from '../../renderer/src/lib/routes.js';
import { compareRows, gapCompareRows, gapMetricLabel, gapRows } from '../../renderer/src/lib/compare-table.js';
import { expectationMargins, histogramPanels, rocForLogAxis } from '../../renderer/src/lib/similarity.js';

describe('paging for virtualised lists', () => {
  it('names the pages covering a visible range, clamped to the list', () => {
    expect(pagesForRange(0, 99, 100, 50_000)).toEqual([0]);
    expect(pagesForRange(250, 420, 100, 50_000)).toEqual([2, 3, 4]);
    expect(pagesForRange(49_950, 60_000, 300, 50_000)).toEqual([166]);
    expect(pagesForRange(0, 10, 100, 0)).toEqual([]);
  });

  it('lays cells out in as many columns as fit', () => {
    expect(columnsFor(1000, 96, 6)).toBe(9);
    expect(columnsFor(50, 96, 6)).toBe(1);
    expect(rowCount(50_000, 9)).toBe(5556);
  });
});

describe('formatting', () => {
  it('never invents a number for a missing one', () => {
    expect(formatNumber(null)).toBe('n/a');
    expect(formatPercent(undefined)).toBe('n/a');
    expect(formatPointDelta(Number.NaN)).toBe('n/a');
  });

  it('writes FARs and deltas as researchers do', () => {
    expect(formatFar(1e-3)).toBe('1e-3');
    expect(formatFar(0.1)).toBe('0.1');
    expect(formatPointDelta(0.0512)).toBe('+5.1 pt');
    expect(formatPointDelta(-0.02, 2)).toBe('−2.00 pt');
    expect(formatPointDelta(-1e-17, 2)).toBe('±0.00 pt');
  });
});

describe('routes', () => {
  it('round-trips a page and its params, defaulting to Datasets', () => {
    expect(parseRoute('#/inspect?evaluation=7')).toEqual({ page: 'inspect', params: { evaluation: '7' } });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'datasets', params: {} });
    expect(formatRoute({ page: 'train', params: { run: '3', empty: '' } })).toBe('#/train?run=3');
  });
});

const metrics = (accuracy: number | null) => ({
  pairs: 10,
  genuine: 5,
  impostor: 5,
  accuracy,
  accuracySd: null,
  auc: 0.9,
  eer: 0.1,
  tarAtFar: [
    { far: 0.1, tar: 0.8 },
    { far: 0.001, tar: null },
  ],
  meanGenuine: 0.7,
  meanImpostor: 0.2,
  margin: 0.5,
  overlap: 0.1,
  dPrime: 2,
  roc: [
    { far: 0, tar: 0 },
    { far: 0.01, tar: 0.5 },
    { far: 1, tar: 1 },
  ],
  genuineHistogram: [],
  impostorHistogram: [],
});
const evaluation = (id: string, easyHard: number | null) => ({
  id,
  runId: id,
  datasetId: 'd',
  pairListId: 'p',
  status: 'completed' as const,
  createdAt: '',
  flipTest: false,
  accuracy: 0.9,
  easyHardGap: 0.1,
  error: null,
  threshold: 0.4,
  overall: metrics(0.9),
  byType: { 'easy-easy': metrics(0.95), 'easy-hard': metrics(easyHard) },
  identification: null,
  gaps: [
    {
      metric: 'accuracy',
      from: 'easy-easy' as const,
      to: 'easy-hard' as const,
      value: easyHard === null ? null : 0.95 - easyHard,
    },
  ],
});

describe('run comparison', () => {
  it('lines up accuracy and TAR@FAR per pair type with B − A, n/a stays n/a', () => {
    const rows = compareRows(evaluation('a', 0.8), evaluation('b', null));
    const easyHard = rows.filter((r) => r.scope === 'easy-hard');
    expect(easyHard.find((r) => r.metric === 'accuracy')).toMatchObject({ a: 0.8, b: null, delta: null });
    expect(easyHard.find((r) => r.metric === 'TAR @ FAR 0.1')).toMatchObject({ a: 0.8, b: 0.8, delta: 0 });
    expect(easyHard.find((r) => r.metric === 'TAR @ FAR 1e-3')).toMatchObject({ a: null, b: null });
    expect(rows.some((r) => r.scope === 'hard-hard')).toBe(false);
    expect(gapRows(evaluation('a', 0.8), evaluation('b', 0.9), 'easy-hard')).toEqual([
      { label: 'accuracy', a: expect.closeTo(0.15, 10), b: expect.closeTo(0.05, 10) },
    ]);
    expect(gapRows(evaluation('a', 0.8), evaluation('b', 0.9), 'hard-hard')).toEqual([]);
    const gaps = gapCompareRows(evaluation('a', 0.8), evaluation('b', 0.9));
    expect(gaps).toEqual([
      {
        scope: 'gaps',
        metric: 'accuracy: EH vs EE',
        a: expect.closeTo(0.15, 10),
        b: expect.closeTo(0.05, 10),
        delta: expect.closeTo(-0.1, 10),
        higherIsBetter: false,
        percent: true,
      },
    ]);
    expect(gapMetricLabel('tar@0.001')).toBe('TAR@1e-3');
    expect(gapMetricLabel('dPrime')).toBe('d′');
  });

  it('drops FAR 0 (log axis) and sorts the ROC', () => {
    expect(
      rocForLogAxis([
        { far: 1, tar: 1 },
        { far: 0, tar: 0 },
        { far: 0.01, tar: 0.5 },
      ]),
    ).toEqual([
      { far: 0.01, tar: 0.5 },
      { far: 1, tar: 1 },
    ]);
  });
});

describe('distribution panels', () => {
  const histograms = {
    expectations: { teacherPositive: 0.7, teacherNegative: 0.2, studentPositive: 0.5, studentNegative: null },
    counts: { teacherPositive: 4, teacherNegative: 4, studentPositive: 4, studentNegative: 0 },
  };
  it('pairs teacher with student by polarity, or genuine with impostor by branch', () => {
    expect(histogramPanels(histograms, 'polarity').map((p) => p.series.map((s) => s.key))).toEqual([
      ['teacherPositive', 'studentPositive'],
      ['teacherNegative', 'studentNegative'],
    ]);
    expect(histogramPanels(histograms, 'branch').map((p) => p.series.map((s) => s.key))).toEqual([
      ['teacherPositive', 'teacherNegative'],
      ['studentPositive', 'studentNegative'],
    ]);
  });
  it('computes the Fig. 1 margins, null when a side is empty', () => {
    const margins = expectationMargins(histograms);
    expect(margins.teacher).toBeCloseTo(0.5, 12);
    expect(margins.student).toBeNull();
  });
});

describe('nice axis ticks', () => {
  it('spans the data with round steps and never repeats a label', async () => {
    const { niceTicks } = await import('../../renderer/src/lib/nice-ticks.js');
    expect(niceTicks(0.13, 1.09, 4)).toEqual({ domain: [0, 1.5], ticks: [0, 0.5, 1, 1.5] });
    expect(niceTicks(-1.538, -1.524, 4).ticks).toEqual([-1.54, -1.535, -1.53, -1.525, -1.52]);
    const flat = niceTicks(0.001, 0.001, 4);
    expect(flat.ticks.length).toBeGreaterThan(1);
    expect(new Set(flat.ticks).size).toBe(flat.ticks.length);
  });
});

describe('chart values', () => {
  it('shows about four significant digits', async () => {
    const { formatScalar } = await import('../../renderer/src/lib/format.js');
    expect(formatScalar(159.9873)).toBe('160.0');
    expect(formatScalar(0.54181)).toBe('0.5418');
    expect(formatScalar(4.66431)).toBe('4.664');
    expect(formatScalar(1e-4)).toBe('1.00e-4');
    expect(formatScalar(null)).toBe('n/a');
  });
});

describe('identification rows', () => {
  it('compares rank-1 and rank-5, n/a where an evaluation has none', async () => {
    const { identificationRows } = await import('../../renderer/src/lib/compare-table.js');
    const withId = { ...evaluation('a', 0.8), identification: { rank1: 0.5, rank5: 0.8, probes: 10, gallery: 5 } };
    const rows = identificationRows(withId, evaluation('b', 0.8));
    expect(rows.map((r) => [r.metric, r.a, r.b, r.delta])).toEqual([
      ['rank-1', 0.5, null, null],
      ['rank-5', 0.8, null, null],
    ]);
    expect(identificationRows(evaluation('a', 0.8), evaluation('b', 0.8))).toEqual([]);
  });
});
