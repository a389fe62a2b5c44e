import { describe, expect, it } from 'vitest';
import { armStatistics, pairedDifference } from './paired-statistics.js';
import { logGamma, tCdf, tQuantile, tTwoSidedP } from './student-t.js';

// Reference values from scipy 1.x (stats.t.ppf(0.975, df), 2 * stats.t.sf(x, df)), 10 digits.
const t975 = [
  12.7062047364, 4.3026527299, 3.1824463053, 2.7764451052, 2.5705818366, 2.4469118488, 2.364624251, 2.306004135,
  2.2621571627, 2.228138852, 2.2009851601, 2.1788128297, 2.1603686565, 2.1447866879, 2.1314495456, 2.1199052992,
  2.1098155778, 2.1009220402, 2.0930240544, 2.0859634473, 2.0796138447, 2.0738730679, 2.0686576104, 2.0638985616,
  2.0595385528, 2.0555294386, 2.0518305165, 2.0484071418, 2.0452296421, 2.0422724563,
];

describe("Student's t", () => {
  it('gives the tabulated 0.975 quantile for df 1..30', () => {
    t975.forEach((expected, i) => expect(tQuantile(0.975, i + 1)).toBeCloseTo(expected, 8));
  });

  it('gives two-sided p-values as scipy', () => {
    const cases: [number, number, number][] = [
      [1, 1.0, 0.5],
      [2, 2.5, 0.1296117202215108],
      [4, 3.0, 0.03994196807171883],
      [9, 0.5, 0.6290712998260264],
      [29, 2.0, 0.05494363718296719],
      [4, 10.0, 0.0005620036227159911],
      [100, 1.96, 0.052778901366229654],
    ];
    for (const [df, t, p] of cases) {
      expect(tTwoSidedP(t, df)).toBeCloseTo(p, 10);
      expect(tTwoSidedP(-t, df)).toBeCloseTo(p, 10);
    }
  });

  it('is symmetric and inverts its CDF', () => {
    expect(tQuantile(0.5, 3)).toBe(0);
    expect(tQuantile(0.025, 4)).toBeCloseTo(-2.7764451052, 8);
    for (const df of [1, 3, 7, 50])
      for (const q of [0.6, 0.9, 0.999]) expect(tCdf(tQuantile(q, df), df)).toBeCloseTo(q, 10);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(() => tQuantile(1, 3)).toThrow(/quantile level/);
  });
});

describe('paired difference over seeds', () => {
  it('matches scipy.stats.ttest_rel and the t interval', () => {
    // scipy: ttest_rel([0.31, 0.35, 0.29, 0.4, 0.33], [0.3, 0.31, 0.3, 0.36, 0.3]) -> p = 0.08581037844
    const ddl = [0.31, 0.35, 0.29, 0.4, 0.33];
    const cls = [0.3, 0.31, 0.3, 0.36, 0.3];
    const d = pairedDifference(ddl, cls);
    const diffs = [0.01, 0.04, -0.01, 0.04, 0.03];
    const mean = 0.022;
    const sd = Math.sqrt(diffs.reduce((s, v) => s + (v - mean) ** 2, 0) / 4);
    expect(d.n).toBe(5);
    expect(d.mean).toBeCloseTo(mean, 12);
    expect(d.sd).toBeCloseTo(sd, 12);
    const half = (2.7764451052 * sd) / Math.sqrt(5);
    expect(d.ci95![0]).toBeCloseTo(mean - half, 9);
    expect(d.ci95![1]).toBeCloseTo(mean + half, 9);
    expect(d.p).toBeCloseTo(0.08581037844004431, 9);
  });

  it('leaves out seeds where either arm is unknown, and says n/a below two pairs', () => {
    expect(pairedDifference([1, null, 3], [0, 5, 1]).n).toBe(2);
    expect(pairedDifference([1], [0])).toEqual({ mean: 1, sd: null, n: 1, ci95: null, p: null });
    expect(pairedDifference([2, 2], [1, 1])).toMatchObject({ ci95: [1, 1], p: 0 });
    expect(() => pairedDifference([1, 2], [1])).toThrow(/one value per seed/);
    expect(armStatistics([1, 2, 3, null])).toEqual({ mean: 2, sd: 1, n: 3 });
  });
});
