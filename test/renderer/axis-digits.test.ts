import { describe, expect, it } from 'vitest';
import { axisDigits, formatNumber } from '../../renderer/src/lib/format.js';

// Chart axes of a pretrained model's first steps: every E[S] is 0.999x, and two decimals labelled
// every tick "1" (seen on the Train page after a MobileFaceNet fine-tune).

describe('axis digits', () => {
  it('two decimals for ordinary ranges, more when the values sit within a hair, at most six', () => {
    expect(axisDigits([0.1, 0.9])).toBe(2);
    expect(axisDigits([0.2, null, 0.35, Number.NaN])).toBe(2);
    expect(axisDigits([0.9991, 0.9999])).toBe(4);
    expect(axisDigits([1, 1 + 1e-12])).toBe(6);
    expect(axisDigits([])).toBe(2);
    expect(axisDigits([0.5, 0.5])).toBe(2);
  });

  it('ticks over 0.9991..0.9999 read apart', () => {
    const digits = axisDigits([0.9991, 0.9999]);
    const ticks = [0.9991, 0.9993, 0.9995, 0.9997, 0.9999].map((t) => formatNumber(t, digits));
    expect(new Set(ticks).size).toBe(5);
    expect(new Set(ticks.map((t) => formatNumber(Number(t), 2))).size).toBe(1); // what the axis showed before
  });
});
