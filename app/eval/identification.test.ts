import { describe, expect, it } from 'vitest';
import { galleryAndProbes, identification, probeRanks } from './identification.js';

// Unit vectors at angles (degrees) in the plane: cosine similarity = cos(angle difference).
function at(...degrees: number[]): Float32Array {
  const data = new Float32Array(degrees.length * 2);
  degrees.forEach((d, r) => {
    data[2 * r] = Math.cos((d * Math.PI) / 180);
    data[2 * r + 1] = Math.sin((d * Math.PI) / 180);
  });
  return data;
}

describe('identification', () => {
  // Gallery: identities a..f at 0, 60, 120, 180, 240, 300 degrees.
  const gallery = { embeddings: at(0, 60, 120, 180, 240, 300), labels: ['a', 'b', 'c', 'd', 'e', 'f'] };

  it('ranks each probe by hand-worked angles', () => {
    const probes = {
      // a at 10°: a is 10° away → rank 1. b at 100°: c (20°) is closer than b (40°) → rank 2.
      // d at 275°: f 25°, e 35°, a 85°, d 95° → rank 4. z has no gallery image.
      embeddings: at(10, 100, 275, 30),
      labels: ['a', 'b', 'd', 'z'],
    };
    expect(Array.from(probeRanks({ gallery, probes }))).toEqual([1, 2, 4, 0]);
    const report = identification({ gallery, probes }, { maxRank: 6 });
    expect(report).toEqual({
      probes: 4,
      evaluatedProbes: 3,
      probesWithoutGalleryIdentity: 1,
      galleryImages: 6,
      galleryIdentities: 6,
      rank1: 1 / 3,
      rank5: 1,
      cmc: [1 / 3, 2 / 3, 2 / 3, 1, 1, 1],
      tieRule: 'ties-count-against',
    });
  });

  it('counts a tie against the probe and an identity with two gallery images once, by its best image', () => {
    const h = Math.SQRT1_2;
    // Probe of identity 2 at (h, h) scores exactly h against 1 = (1, 0) and 2 = (0, 1): a tie → rank 2.
    const tie = { embeddings: new Float32Array([1, 0, 0, 1]), labels: [1, 2] };
    const probe = { embeddings: new Float32Array([h, h]), labels: [2] };
    expect(Array.from(probeRanks({ gallery: tie, probes: probe }))).toEqual([2]);
    // Identity 1 with two gallery images (0.6, 0.8) and (0.8, 0.6), identity 2 at (0, 1): a probe of 2 at
    // (0.28, 0.96) scores 0.96 with 2 and 0.936 / 0.8 with identity 1's images → rank 1; identity 1 counts once.
    const twoImages = { embeddings: new Float32Array([0.6, 0.8, 0.8, 0.6, 0, 1]), labels: [1, 1, 2] };
    expect(
      Array.from(
        probeRanks({ gallery: twoImages, probes: { embeddings: new Float32Array([0.28, 0.96]), labels: [2] } }),
      ),
    ).toEqual([1]);
    // A probe of 2 at (0.8, 0.6) scores 1.0 and 0.96 with identity 1, 0.6 with 2 → rank 2, not 3.
    expect(
      Array.from(probeRanks({ gallery: twoImages, probes: { embeddings: new Float32Array([0.8, 0.6]), labels: [2] } })),
    ).toEqual([2]);
  });

  it('takes rows as an array of Float32Array too, and reports rank-5 beyond a short CMC', () => {
    const rows = [0, 60, 120, 180, 240, 300].map((d) => at(d));
    const report = identification(
      { gallery: { embeddings: rows, labels: [0, 1, 2, 3, 4, 5] }, probes: { embeddings: at(200), labels: [0] } },
      { maxRank: 2 },
    );
    // from 200°: d 20°, e 40°, c 80°, f 100°, b 140°, a 160° → rank 6
    expect(report.cmc).toEqual([0, 0]);
    expect(report.rank5).toBe(0);
  });

  it('gives null rates when no probe can be evaluated, and clear errors for mismatched shapes', () => {
    expect(identification({ gallery, probes: { embeddings: new Float32Array(0), labels: [] } }).rank1).toBeNull();
    expect(() => probeRanks({ gallery, probes: { embeddings: new Float32Array(3), labels: ['a'] } })).toThrow(
      /gallery rows have 2 numbers but probe rows have 3/,
    );
    expect(() =>
      probeRanks({ gallery: { embeddings: new Float32Array(5), labels: ['a', 'b'] }, probes: gallery }),
    ).toThrow(/gallery.embeddings has 5 numbers for 2 labels/);
  });

  it('galleryAndProbes: the first easy image of each identity is the gallery, every hard image a probe', () => {
    const embeddings = at(0, 5, 90, 95, 100, 10);
    const labels = [1, 1, 2, 2, 2, 1];
    const hard = [false, false, true, false, true, true];
    const split = galleryAndProbes(embeddings, labels, hard);
    expect(split.galleryRows).toEqual([0, 3]);
    expect(split.probeRows).toEqual([2, 4, 5]);
    expect(split.gallery.labels).toEqual([1, 2]);
    expect(Array.from(split.gallery.embeddings as Float32Array)).toEqual(Array.from(at(0, 95)));
    expect(identification(split).rank1).toBe(1);
  });
});
