import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { workingPixels } from './decode-image.js';
import { measureRgb } from './measure.js';
import { generateSynthFaces } from './synth/index.js';

function image(width: number, height: number, grey: (x: number, y: number) => number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rgb.fill(grey(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
  return rgb;
}

describe('measureRgb', () => {
  it('gives a flat image no sharpness or contrast, and its level as brightness', () => {
    const m = measureRgb(
      image(6, 5, () => 51),
      6,
      5,
    );
    expect(m.sharpness).toBeCloseTo(0, 6);
    expect(m.brightness).toBeCloseTo(0.2, 6);
    expect(m.contrast).toBeCloseTo(0, 6);
  });

  it('gives a black and white checkerboard the Laplacian variance 1020² and half brightness and contrast', () => {
    const m = measureRgb(
      image(4, 4, (x, y) => ((x + y) % 2) * 255),
      4,
      4,
    );
    expect(m.sharpness).toBeCloseTo(1020 * 1020, 0);
    expect(m.brightness).toBeCloseTo(0.5, 6);
    expect(m.contrast).toBeCloseTo(0.5, 6);
  });

  it('measures an image the same after a larger one (the grey buffer is reused between calls)', () => {
    const small = image(7, 9, (x, y) => (x * 37 + y * 11) % 256);
    const alone = measureRgb(small, 7, 9);
    measureRgb(
      image(64, 64, (x, y) => (x * y) % 256),
      64,
      64,
    );
    expect(measureRgb(small, 7, 9)).toEqual(alone);
    // And a narrow, tall image after a wider, shorter one.
    const tall = image(3, 40, (x, y) => (y % 2) * 200 + x);
    const tallAlone = measureRgb(tall, 3, 40);
    measureRgb(
      image(80, 80, () => 255),
      80,
      80,
    );
    expect(measureRgb(tall, 3, 40)).toEqual(tallAlone);
  });
});

/** measureRgb as it was in plain JavaScript (two passes over a full grey image): the reference the WebAssembly pass must match bit for bit. */
function measureRgbTwoPass(rgb: Uint8Array, width: number, height: number) {
  const n = width * height;
  const grey = new Float32Array(n);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const v = 0.299 * rgb[p]! + 0.587 * rgb[p + 1]! + 0.114 * rgb[p + 2]!;
    grey[i] = v;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const variance = Math.max(0, sumSq / n - mean * mean);
  let lapSum = 0;
  let lapSq = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      lapSum += lap;
      lapSq += lap * lap;
      count++;
    }
  }
  const lapMean = count ? lapSum / count : 0;
  const sharpness = count ? Math.max(0, lapSq / count - lapMean * lapMean) : 0;
  return { sharpness, brightness: mean / 255, contrast: Math.sqrt(variance) / 255 };
}

describe('measureRgb against the two-pass JavaScript it replaced', () => {
  it('gives bit-identical results on real photos and SynthFaces, decoded as decodeImage does', async () => {
    const demo = fileURLToPath(new URL('../../node_modules/@vladmandic/face-api/demo/', import.meta.url));
    const synth = mkdtempSync(join(tmpdir(), 'ddl-measure-'));
    try {
      await generateSynthFaces({ outDir: synth, preset: 'mixed', identities: 2, perIdentity: 3, size: 250, seed: 3 });
      const paths = [
        ...[1, 2, 3, 4, 5, 6].map((i) => join(demo, `sample${i}.jpg`)),
        ...readdirSync(synth, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.jpg'))
          .map((f) => join(synth, f)),
      ];
      expect(paths.length).toBe(12);
      for (const path of paths) {
        const { data, info } = await workingPixels(sharp(path));
        const ours = measureRgb(data, info.width, info.height);
        const theirs = measureRgbTwoPass(data, info.width, info.height);
        for (const key of ['sharpness', 'brightness', 'contrast'] as const)
          expect(Object.is(ours[key], theirs[key]), `${path} ${key}: ${ours[key]} vs ${theirs[key]}`).toBe(true);
      }
    } finally {
      rmSync(synth, { recursive: true, force: true });
    }
  });

  it('gives bit-identical results on noise of thin, tiny and odd sizes', () => {
    for (const [w, h] of [
      [1, 1],
      [1, 9],
      [9, 1],
      [2, 2],
      [3, 3],
      [5, 4],
      [131, 77],
    ] as const) {
      const rgb = new Uint8Array(w * h * 3).map((_, i) => (i * 7919 + ((i * i) >> 3)) % 256);
      const ours = measureRgb(rgb, w, h);
      const theirs = measureRgbTwoPass(rgb, w, h);
      for (const key of ['sharpness', 'brightness', 'contrast'] as const)
        expect(Object.is(ours[key], theirs[key]), `${w}×${h} ${key}: ${ours[key]} vs ${theirs[key]}`).toBe(true);
    }
  });
});
