import { describe, expect, it } from 'vitest';
import { hardestImpostorMeans } from './hardest-impostors.js';

// Hand-made 2-d embeddings: the hardest impostor of each probe is known by construction.
const angle = (deg: number) => [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];

describe('hardest impostor per probe', () => {
  // rows: identity, side, direction
  const rows: [number, 0 | 1, number][] = [
    [0, 0, 0],
    [0, 1, 10],
    [1, 0, 30],
    [1, 1, 90],
    [2, 0, 180],
    [2, 1, 170],
  ];
  const embeddings = Float32Array.from(rows.flatMap(([, , deg]) => angle(deg).map((v) => 3 * v))); // not unit: normalised inside
  const labels = rows.map(([id]) => id);
  const sides = rows.map(([, side]) => side);
  const cos = (a: number, b: number) => Math.cos(((a - b) * Math.PI) / 180);

  it('takes each probe’s most similar image of another identity on the candidate side, per pair type', () => {
    const result = hardestImpostorMeans({ embeddings, dim: 2, labels, sides });
    // easy-easy: easy probes 0°, 30°, 180° against easy images of other identities.
    const easyEasy = (cos(0, 30) + cos(30, 0) + cos(180, 30)) / 3;
    expect(result.get('easy-easy')!.mean).toBeCloseTo(easyEasy, 6);
    // easy-hard: hard probes 10°, 90°, 170° against easy images of other identities.
    const easyHard = (cos(10, 30) + cos(90, 0) + cos(170, 30)) / 3;
    expect(result.get('easy-hard')!.mean).toBeCloseTo(easyHard, 6);
    // hard-hard: 10° vs {90°, 170°}, 90° vs {10°, 170°}, 170° vs {10°, 90°}.
    const hardHard = (cos(10, 90) + cos(90, 170) + cos(170, 90)) / 3;
    expect(result.get('hard-hard')!.mean).toBeCloseTo(hardHard, 6);
    expect(result.get('easy-hard')!.probes).toBe(3);
  });

  it('thins probes evenly to the budget and leaves out images without a side', () => {
    const thinned = hardestImpostorMeans({ embeddings, dim: 2, labels, sides, budget: 3 });
    expect(thinned.get('easy-hard')!.probes).toBe(1);
    expect(thinned.get('easy-hard')!.probeCandidates).toBe(3);
    const unsided = hardestImpostorMeans({ embeddings, dim: 2, labels, sides: sides.map(() => 2) });
    expect(unsided.get('easy-easy')).toEqual({ probes: 0, probeCandidates: 0, mean: null });
  });
});
