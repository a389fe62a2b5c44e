import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Random } from '../../util/random.js';
import { faceSvg, type Scene } from './face-svg.js';
import { sampleIdentity } from './identity.js';
import { normalQuantile, normalTable } from './normal-table.js';
import { mixSeed } from './seed.js';

const scene: Scene = {
  background: [
    [150, 160, 170],
    [120, 130, 140],
  ],
  clothes: [60, 90, 140],
  colourCast: [1, 1, 1],
  gamma: 1,
  day: { skinTone: 1, hairVolume: 1, hairFront: 0, hairSlant: 0, hairLength: 0, hairTone: 1 },
};
const eyes = (svg: string) => (svg.match(/<clipPath id="eye[LR]"/g) ?? []).length;

describe('faceSvg', () => {
  it('draws both eyes frontally, one in profile, and renders with sharp at the asked size', async () => {
    for (let k = 0; k < 12; k++) {
      const id = sampleIdentity(new Random(mixSeed(1, 1, k)));
      const frontal = faceSvg(id, { yaw: 0, pitch: 0, roll: 0 }, scene, 40);
      expect(eyes(frontal)).toBe(2);
      expect(eyes(faceSvg(id, { yaw: 85, pitch: 5, roll: 3 }, scene, 40))).toBe(1);
      expect(eyes(faceSvg(id, { yaw: -85, pitch: -5, roll: -3 }, scene, 40))).toBe(1);
      const meta = await sharp(Buffer.from(frontal)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['svg', 40, 40]);
    }
  });

  it('turns different identities into different drawings and the same one into the same drawing', () => {
    const pose = { yaw: 10, pitch: 0, roll: 0 };
    const a = sampleIdentity(new Random(mixSeed(1, 1, 0))),
      b = sampleIdentity(new Random(mixSeed(1, 1, 1)));
    expect(faceSvg(a, pose, scene, 32)).toBe(faceSvg(sampleIdentity(new Random(mixSeed(1, 1, 0))), pose, scene, 32));
    expect(faceSvg(a, pose, scene, 32)).not.toBe(faceSvg(b, pose, scene, 32));
  });
});

describe('normal table', () => {
  it('holds standard normal quantiles', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    const t = normalTable();
    const mean = t.reduce((s, x) => s + x, 0) / t.length;
    const variance = t.reduce((s, x) => s + (x - mean) ** 2, 0) / t.length;
    expect(Math.abs(mean)).toBeLessThan(1e-6);
    expect(variance).toBeGreaterThan(0.99);
    expect(variance).toBeLessThan(1.01);
  });
});
