import { describe, expect, it } from 'vitest';
import {
  chartRows,
  expectationRows,
  mergePoints,
  termsIn,
  type LivePoint,
} from '../../renderer/src/lib/metric-series.js';

const point = (step: number, time: number | null, total: number, extras: Record<string, number> = {}): LivePoint => ({
  step,
  time,
  lr: 0.1,
  imagesPerSecond: 100,
  terms: { total, clsEasy: total / 2 },
  extras,
});

describe('mergePoints', () => {
  it('orders by step and drops duplicates', () => {
    const merged = mergePoints([point(2, 2, 1), point(0, 0, 3)], [point(1, 1, 2), point(2, 2, 1)]);
    expect(merged.map((p) => p.step)).toEqual([0, 1, 2]);
  });

  it('lets a polled point (with time) replace a live event point, never the reverse', () => {
    const fromEvent = point(5, null, 9);
    const fromPoll = point(5, 4.2, 8);
    expect(mergePoints([fromEvent], [fromPoll])[0]).toEqual(fromPoll);
    expect(mergePoints([fromPoll], [fromEvent])[0]).toEqual(fromPoll);
  });
});

describe('terms and chart rows', () => {
  it('lists known terms in chart order, unknown ones after', () => {
    const points: LivePoint[] = [
      {
        step: 0,
        time: 0,
        lr: null,
        imagesPerSecond: null,
        terms: { total: 1, zeta: 2, posKL: 3, clsHard: 4, clsEasy: 5 },
        extras: {},
      },
    ];
    expect(termsIn(points)).toEqual(['clsEasy', 'clsHard', 'posKL', 'total', 'zeta']);
  });

  it('skips steps without the value and keeps raw next to smoothed', () => {
    const points = [point(0, 0, 4), { ...point(1, 1, 0), terms: {} }, point(2, 2, 2)];
    const rows = chartRows(points, (p) => p.terms.total, 0);
    expect(rows).toEqual([
      { step: 0, raw: 4, smoothed: 4 },
      { step: 2, raw: 2, smoothed: 2 },
    ]);
  });

  it('builds the batch-expectation rows only from steps that recorded them', () => {
    const rows = expectationRows([point(0, 0, 1), point(1, 1, 1, { teacherPosMean: 0.7, studentPosMean: 0.5 })]);
    expect(rows).toEqual([
      { step: 1, teacherPosMean: 0.7, studentPosMean: 0.5, teacherNegMean: null, studentNegMean: null },
    ]);
  });
});
