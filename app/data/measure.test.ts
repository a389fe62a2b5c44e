import { describe, expect, it } from 'vitest';
import { measureRgb } from './measure.js';

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
