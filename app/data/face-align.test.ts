import { describe, expect, it } from 'vitest';
import {
  alignFace,
  applySimilarity,
  arcfaceTemplate,
  fitSimilarity,
  invertSimilarity,
  warpAffineRgb,
  type FivePoints,
  type Similarity,
} from './face-align.js';

describe('five-point alignment maths', () => {
  it('fitSimilarity recovers a known rotation, scale and shift exactly, and least-squares otherwise', () => {
    const truth: Similarity = { a: 1.7 * Math.cos(0.4), b: 1.7 * Math.sin(0.4), tx: -31, ty: 12.5 };
    const from = arcfaceTemplate(112);
    const to = from.map((p) => applySimilarity(truth, p));
    const fitted = fitSimilarity(from, to);
    for (const k of ['a', 'b', 'tx', 'ty'] as const) expect(fitted[k]).toBeCloseTo(truth[k], 9);
    // A noisy point moves the fit less than the noise itself (the other four hold it).
    const noisy = to.map((p, i) => (i === 2 ? { x: p.x + 6, y: p.y } : p));
    const loose = fitSimilarity(from, noisy);
    const moved = Math.hypot(
      applySimilarity(loose, from[0]!).x - to[0]!.x,
      applySimilarity(loose, from[0]!).y - to[0]!.y,
    );
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(6);
  });

  it('invertSimilarity undoes it and a mirrored point set is never fitted by a reflection', () => {
    const t: Similarity = { a: 0.5, b: -0.8, tx: 3, ty: 4 };
    const p = { x: 17, y: -9 };
    const back = applySimilarity(invertSimilarity(t), applySimilarity(t, p));
    expect(back.x).toBeCloseTo(p.x, 9);
    expect(back.y).toBeCloseTo(p.y, 9);
    const template = arcfaceTemplate(112);
    const mirrored = template.map((q) => ({ x: 112 - q.x, y: q.y }));
    const fit = fitSimilarity(mirrored, template);
    expect(Math.hypot(fit.a, fit.b)).toBeLessThan(1); // a rotation cannot undo a mirror: the fit shrinks
  });

  it('the template scales with the crop size', () => {
    const t224 = arcfaceTemplate(224);
    expect(t224[0]).toEqual({ x: 38.2946 * 2, y: 51.6963 * 2 });
    expect(arcfaceTemplate()[4]).toEqual({ x: 70.7299, y: 92.2041 });
  });

  it('warpAffineRgb samples bilinearly: identity copies, a half-pixel shift averages neighbours, outside is black', () => {
    const width = 4;
    const height = 3;
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) rgb.set([i * 10, 100, 200 - i * 10], i * 3);
    const source = { rgb, width, height };
    expect(Array.from(warpAffineRgb(source, { a: 1, b: 0, tx: 0, ty: 0 }, width, height))).toEqual(Array.from(rgb));
    const shifted = warpAffineRgb(source, { a: 1, b: 0, tx: 0.5, ty: 0 }, width, height);
    expect(shifted[0]).toBe(5); // between 0 and 10
    const outside = warpAffineRgb(source, { a: 1, b: 0, tx: 100, ty: 0 }, 2, 2);
    expect(Array.from(outside)).toEqual(new Array(12).fill(0));
  });

  it('alignFace puts the five points on the template of the requested size', () => {
    // A synthetic "photo" whose five points are the template moved and rotated: aligning them
    // must give back the identity mapping of the template.
    const truth: Similarity = { a: 2 * Math.cos(-0.3), b: 2 * Math.sin(-0.3), tx: 80, ty: 40 };
    const points = arcfaceTemplate(112).map((p) => applySimilarity(truth, p)) as FivePoints;
    const source = { rgb: new Uint8Array(400 * 400 * 3).fill(90), width: 400, height: 400 };
    const { rgb, transform } = alignFace(source, points, 56);
    expect(rgb).toHaveLength(56 * 56 * 3);
    const template56 = arcfaceTemplate(56);
    points.forEach((p, i) => {
      const q = applySimilarity(transform, p);
      expect(q.x).toBeCloseTo(template56[i]!.x, 6);
      expect(q.y).toBeCloseTo(template56[i]!.y, 6);
    });
    expect(rgb[(28 * 56 + 28) * 3]).toBe(90);
  });
});
