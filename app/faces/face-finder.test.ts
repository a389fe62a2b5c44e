import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { arcfaceTemplate, type RgbImage } from '../data/face-align.js';
import { FaceFinder, type FoundFace } from './face-finder.js';

// FaceFinder on real photos: the group photos @vladmandic/face-api ships in demo/, as they are,
// mirrored (sharp flop) and at half size.

const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');

async function photo(name: string, edit: (s: Sharp) => Sharp = (s) => s): Promise<RgbImage> {
  const { data, info } = await edit(sharp(join(demo, name)).rotate())
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: data, width: info.width, height: info.height };
}

/** The face of `faces` whose box centre is nearest (x, y). */
function nearest(faces: readonly FoundFace[], x: number, y: number): FoundFace {
  const d = (f: FoundFace) => Math.hypot(f.box.x + f.box.width / 2 - x, f.box.y + f.box.height / 2 - y);
  return [...faces].sort((a, b) => d(a) - d(b))[0]!;
}

let finder: FaceFinder;
beforeAll(async () => {
  finder = await FaceFinder.load();
}, 60_000);

describe('FaceFinder on the face-api demo photos', () => {
  it('finds every face of two group photos, largest first, with sane sizes and scores', async () => {
    for (const [name, people] of [
      ['sample3.jpg', 3],
      ['sample6.jpg', 4],
    ] as const) {
      const image = await photo(name);
      const found = await finder.find(image, { all: true });
      expect(found.faces, name).toHaveLength(people);
      expect(found.detected).toBe(people);
      const sizes = found.faces.map((f) => f.faceSize);
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      for (const f of found.faces) {
        expect(f.faceScore).toBeGreaterThan(0.5);
        expect(f.meshScore).toBeGreaterThan(0.5);
        expect(f.faceSize).toBeGreaterThan(150);
        expect(f.faceSize).toBeLessThan(300);
        // Eyes sit inside the box, the subject's right eye on the image's left.
        expect(f.points[0].x).toBeLessThan(f.points[1].x);
        expect(f.eyeDistance).toBeGreaterThan(f.faceSize * 0.25);
        expect(f.eyeDistance).toBeLessThan(f.faceSize * 0.7);
      }
      const largestOnly = await finder.find(image, { all: false });
      expect(largestOnly.faces).toHaveLength(1);
      expect(largestOnly.detected).toBe(people);
      expect(largestOnly.faces[0]!.faceSize).toBeCloseTo(found.faces[0]!.faceSize, 3);
    }
  });

  it('aligns on the ArcFace template: in the aligned crop FaceMesh finds the eyes within 3 px of it', async () => {
    const template = arcfaceTemplate(112);
    for (const name of ['sample3.jpg', 'sample6.jpg']) {
      const image = await photo(name);
      const [face] = (await finder.find(image, { all: false })).faces;
      const aligned = finder.align(image, face!, 112);
      const crop = { rgb: aligned.rgb, width: 112, height: 112 };
      const { points } = await finder.landmarksIn(crop, { cx: 55.5, cy: 58, side: 112 * 1.3, angle: 0 });
      for (const eye of [0, 1]) {
        const miss = Math.hypot(points[eye]!.x - template[eye]!.x, points[eye]!.y - template[eye]!.y);
        expect(miss, `${name} eye ${eye}`).toBeLessThan(3);
      }
      expect(aligned.blur).toBeGreaterThan(0);
    }
  });

  it('a mirrored photo gives the opposite yaw and roll and the same pitch and size', async () => {
    const image = await photo('sample1.jpg');
    const mirrored = await photo('sample1.jpg', (s) => s.flop());
    const faces = (await finder.find(image, { all: true })).faces;
    const flipped = (await finder.find(mirrored, { all: true })).faces;
    expect(flipped).toHaveLength(faces.length);
    // The right-hand face is tilted (|roll| ≈ 45°) and turned: signs must flip.
    let checked = 0;
    for (const f of faces) {
      const m = nearest(flipped, image.width - (f.box.x + f.box.width / 2), f.box.y + f.box.height / 2);
      // The detector's anchor grid is not mirror-symmetric: box sizes agree within ~10%.
      expect(m.faceSize / f.faceSize).toBeGreaterThan(0.85);
      expect(m.faceSize / f.faceSize).toBeLessThan(1.15);
      if (Math.abs(f.yaw) >= 8) {
        expect(Math.sign(m.yaw), `yaw ${f.yaw} vs mirrored ${m.yaw}`).toBe(-Math.sign(f.yaw));
        expect(Math.abs(m.yaw + f.yaw)).toBeLessThan(8);
        checked++;
      }
      if (Math.abs(f.roll) >= 8) {
        expect(Math.sign(m.roll), `roll ${f.roll} vs mirrored ${m.roll}`).toBe(-Math.sign(f.roll));
        expect(Math.abs(m.roll + f.roll)).toBeLessThan(5);
        checked++;
      }
      expect(Math.abs(m.pitch - f.pitch)).toBeLessThan(8);
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('a half-size copy has about half the faceSize and eyeDistance', async () => {
    const image = await photo('sample3.jpg');
    const half = await photo('sample3.jpg', (s) => s.resize(Math.round(image.width / 2)));
    const [full] = (await finder.find(image, { all: false })).faces;
    const [small] = (await finder.find(half, { all: false })).faces;
    expect(small!.faceSize / full!.faceSize).toBeGreaterThan(0.45);
    expect(small!.faceSize / full!.faceSize).toBeLessThan(0.55);
    expect(small!.eyeDistance / full!.eyeDistance).toBeGreaterThan(0.45);
    expect(small!.eyeDistance / full!.eyeDistance).toBeLessThan(0.55);
  });

  it('a photo without a face finds none and says how close the best guess came', async () => {
    const { data, info } = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#6080a0' } })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const found = await finder.find({ rgb: data, width: info.width, height: info.height }, { all: true });
    expect(found.faces).toEqual([]);
    expect(found.detected).toBe(0);
    expect(found.bestScore).toBeGreaterThan(0);
    expect(found.bestScore).toBeLessThan(0.5);
  });
});
