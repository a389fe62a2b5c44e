import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResizeFit } from './decode-image.js';
import { workingPixels } from './decode-image.js';
import { resizeGeometry, resizePlan, resizeRgb, type ResizeKernel } from './resize-rgb.js';
import { resizeWeightBits } from './resize-wat.js';
import { generateSynthFaces } from './synth/index.js';

const fits: ResizeFit[] = ['cover', 'fill', 'contain'];
const kernelNames: ResizeKernel[] = ['lanczos3', 'cubic', 'triangle'];
const demo = fileURLToPath(new URL('../../node_modules/@vladmandic/face-api/demo/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'ddl-resize-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sharpResize(rgb: Buffer, width: number, height: number, size: number, fit: ResizeFit): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(size, size, { fit, background: '#000000' })
    .raw()
    .toBuffer();
}

function flat(width: number, height: number, colour: readonly number[]): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(colour, i * 3);
  return rgb;
}

function noise(width: number, height: number): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7919 + ((i * i) >> 3)) % 251;
  return rgb;
}

/** Decoded as decodeImage's first sharp call leaves it: upright, within 512 px, flattened, sRGB. */
async function decodedPhoto(path: string): Promise<{ rgb: Buffer; width: number; height: number }> {
  const { data, info } = await workingPixels(sharp(path));
  return { rgb: data, width: info.width, height: info.height };
}

function psnr(a: Uint8Array, b: Uint8Array): { mad: number; psnr: number } {
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    abs += Math.abs(d);
    sq += d * d;
  }
  return { mad: abs / a.length, psnr: sq === 0 ? Infinity : 10 * Math.log10((255 * 255 * a.length) / sq) };
}

/**
 * The same fixed-point filter in plain scalar JavaScript (vertical pass rounded to 8 fractional
 * bits, then horizontal, rounded and clamped), on the plan's taps: the WebAssembly SIMD passes
 * must give exactly these bytes.
 */
function scalarReference(
  rgb: Uint8Array,
  width: number,
  height: number,
  size: number,
  fit: ResizeFit,
  kernel: ResizeKernel,
) {
  const { outW, outH, dstLeft, dstTop, xt, yt } = resizePlan(width, height, size, { fit, kernel });
  const midBits = 8;
  const mid = new Float64Array(outH * width * 3);
  for (let y = 0; y < outH; y++)
    for (let i = 0; i < width * 3; i++) {
      let acc = 0;
      for (let k = 0; k < yt.count[y]!; k++)
        acc += rgb[(yt.start[y]! + k) * width * 3 + i]! * yt.weights[y * yt.taps + k]!;
      mid[y * width * 3 + i] = Math.floor(
        (acc + (1 << (resizeWeightBits - midBits - 1))) / (1 << (resizeWeightBits - midBits)),
      );
    }
  const out = Buffer.alloc(size * size * 3);
  const shift = 2 ** (resizeWeightBits + midBits);
  for (let y = 0; y < outH; y++)
    for (let x = 0; x < outW; x++)
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < xt.count[x]!; k++)
          acc += mid[y * width * 3 + (xt.start[x]! + k) * 3 + c]! * xt.weights[x * xt.taps + k]!;
        const v = Math.floor((acc + shift / 2) / shift);
        out[((dstTop + y) * size + dstLeft + x) * 3 + c] = Math.max(0, Math.min(255, v));
      }
  return out;
}

describe('resizeGeometry (sharp’s)', () => {
  it('scales by one factor, rounds the scaled size, crops the centre (cover) or letterboxes it (contain)', () => {
    // 300×97 -> 64: cover shrinks by 97/64 to 198×64 and keeps columns 67..130 (⌊(198 − 64 + 1)/2⌋).
    expect(resizeGeometry(300, 97, 64, 'cover')).toMatchObject({
      scaledWidth: 198,
      scaledHeight: 64,
      left: 67,
      top: 0,
    });
    // contain shrinks by 300/64 to 64×21, placed at row ⌊(64 − 21)/2⌋ = 21.
    expect(resizeGeometry(300, 97, 64, 'contain')).toMatchObject({
      scaledWidth: 64,
      scaledHeight: 21,
      left: 0,
      top: 21,
    });
    expect(resizeGeometry(97, 300, 64, 'contain')).toMatchObject({
      scaledWidth: 21,
      scaledHeight: 64,
      left: 21,
      top: 0,
    });
    expect(resizeGeometry(300, 97, 64, 'fill')).toMatchObject({ scaledWidth: 64, scaledHeight: 64, left: 0, top: 0 });
    // An odd excess: 112×201 -> 112 crops rows 45..156 (sharp rounds the crop's start up).
    expect(resizeGeometry(112, 201, 112, 'cover')).toMatchObject({ scaledWidth: 112, scaledHeight: 201, top: 45 });
  });

  it('gives sharp’s exact output for flat images of odd, non-square, tiny and extreme sizes, in every fit', async () => {
    const sizes: Array<[number, number]> = [
      [300, 97],
      [97, 300],
      [113, 57],
      [640, 481],
      [1, 1],
      [1, 50],
      [50, 1],
      [7, 5],
      [3, 1000],
    ];
    for (const [w, h] of sizes)
      for (const size of [112, 37, 8, 1])
        for (const fit of fits) {
          const rgb = flat(w, h, [200, 100, 50]);
          const ours = resizeRgb(rgb, w, h, size, { fit });
          expect(ours.equals(await sharpResize(rgb, w, h, size, fit)), `${w}×${h} -> ${size} ${fit}`).toBe(true);
        }
  });

  it('crops and letterboxes at sharp’s exact offsets (no resampling when the scale is 1)', async () => {
    const cases: Array<[number, number, number, ResizeFit]> = [
      [112, 201, 112, 'cover'],
      [201, 112, 112, 'cover'],
      [112, 200, 112, 'cover'],
      [65, 8, 8, 'cover'],
      [112, 51, 112, 'contain'],
      [51, 112, 112, 'contain'],
      [64, 13, 64, 'contain'],
    ];
    for (const [w, h, size, fit] of cases) {
      const rgb = noise(w, h);
      const ours = resizeRgb(rgb, w, h, size, { fit });
      expect(ours.equals(await sharpResize(rgb, w, h, size, fit)), `${w}×${h} -> ${size} ${fit}`).toBe(true);
    }
  });
});

describe('resizeRgb', () => {
  it('keeps a flat image exactly flat with every kernel, down and up', () => {
    for (const kernel of kernelNames)
      for (const [w, h, size] of [
        [250, 250, 112],
        [31, 17, 112],
        [512, 341, 37],
      ] as const)
        for (const fit of fits) {
          const out = resizeRgb(flat(w, h, [0, 254, 255]), w, h, size, { fit, kernel });
          const covered = resizeGeometry(w, h, size, fit);
          const expected = Buffer.alloc(size * size * 3);
          for (let y = 0; y < size; y++)
            for (let x = 0; x < size; x++) {
              const inside =
                fit !== 'contain' ||
                (x >= covered.left &&
                  x < covered.left + covered.scaledWidth &&
                  y >= covered.top &&
                  y < covered.top + covered.scaledHeight);
              if (inside) expected.set([0, 254, 255], (y * size + x) * 3);
            }
          expect(out.equals(expected), `${w}×${h} -> ${size} ${fit} ${kernel}`).toBe(true);
        }
  });

  it('turns a 1×1 image into a flat square in every fit', () => {
    for (const fit of fits)
      expect(resizeRgb(Buffer.from([9, 80, 251]), 1, 1, 5, { fit }).equals(flat(5, 5, [9, 80, 251]))).toBe(true);
  });

  it('antialiases a downscale: a 1-pixel checkerboard shrunk 4× becomes mid grey, not a pattern', () => {
    const board = Buffer.alloc(64 * 64 * 3);
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) board.fill((x + y) % 2 ? 255 : 0, (y * 64 + x) * 3, (y * 64 + x) * 3 + 3);
    for (const kernel of kernelNames) {
      const out = resizeRgb(board, 64, 64, 16, { fit: 'fill', kernel });
      // Inside, the taps pair up black and white exactly; at the border the replicated edge tips it a little.
      let inside = 0;
      let border = 0;
      for (let y = 0; y < 16; y++)
        for (let x = 0; x < 16; x++)
          for (let c = 0; c < 3; c++) {
            const off = Math.abs(out[(y * 16 + x) * 3 + c]! - 127.5);
            if (x === 0 || y === 0 || x === 15 || y === 15) border = Math.max(border, off);
            else inside = Math.max(inside, off);
          }
      expect([kernel, inside]).toEqual([kernel, 0.5]);
      expect(border, kernel).toBeLessThan(10);
    }
  });

  it('upscales as sharp does: a two-tone 4×2 image grows into a ramp between its colours; a small photo comes out close to sharp’s', async () => {
    const rgb = Buffer.from([
      ...[0, 0, 0, 0, 0, 0, 200, 200, 200, 200, 200, 200],
      ...[0, 0, 0, 0, 0, 0, 200, 200, 200, 200, 200, 200],
    ]);
    // Bilinear by hand, with sharp's upscale mapping: output x samples input x / 4 − 0.5, so x = 7
    // is 1.25, ¼ of the way from 0 to 200.
    const out = resizeRgb(rgb, 4, 2, 16, { fit: 'fill', kernel: 'triangle' });
    const row = Array.from({ length: 16 }, (_, x) => out[(5 * 16 + x) * 3]!);
    expect(row).toEqual([0, 0, 0, 0, 0, 0, 0, 50, 100, 150, 200, 200, 200, 200, 200, 200]);
    const photo = await decodedPhoto(join(demo, 'sample2.jpg'));
    const small = await sharp(photo.rgb, { raw: { width: photo.width, height: photo.height, channels: 3 } })
      .resize(60, 40, { fit: 'fill' })
      .raw()
      .toBuffer();
    for (const fit of fits) {
      const close = psnr(resizeRgb(small, 60, 40, 112, { fit }), await sharpResize(small, 60, 40, 112, fit));
      expect(close.psnr, fit).toBeGreaterThan(50);
    }
  });

  it('is close to sharp’s lanczos3 on real photos and SynthFaces (lanczos3 to 112: PSNR > 40 dB; to 37, 9.7× down: > 35 dB; < 2.5 levels on average)', async () => {
    await generateSynthFaces({
      outDir: join(tmp, 'synth'),
      preset: 'mixed',
      identities: 2,
      perIdentity: 3,
      size: 250,
      seed: 7,
    });
    const synthDir = join(tmp, 'synth');
    const paths = [
      join(demo, 'sample1.jpg'),
      join(demo, 'sample3.jpg'),
      ...readdirSync(synthDir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.jpg'))
        .slice(0, 2)
        .map((f) => join(synthDir, f)),
    ];
    expect(paths).toHaveLength(4);
    for (const path of paths) {
      const { rgb, width, height } = await decodedPhoto(path);
      for (const size of [112, 37])
        for (const fit of fits) {
          const theirs = await sharpResize(rgb, width, height, size, fit);
          for (const kernel of kernelNames) {
            const close = psnr(resizeRgb(rgb, width, height, size, { fit, kernel }), theirs);
            expect(close.psnr, `${path} ${width}×${height} -> ${size} ${fit} ${kernel}`).toBeGreaterThan(
              // 112 is the import's case (≤ 4.6× down); at 37 (up to 14×) libvips box-shrinks first, we do not.
              size === 112
                ? { lanczos3: 40, cubic: 38, triangle: 34 }[kernel]
                : { lanczos3: 35, cubic: 34, triangle: 31 }[kernel],
            );
            if (kernel === 'lanczos3') expect(close.mad).toBeLessThan(2.5);
          }
        }
    }
  });

  it('computes exactly what the same fixed-point filter gives in scalar JavaScript (odd widths, crops, letterboxes, upscales)', () => {
    for (const [w, h] of [
      [250, 250],
      [97, 61],
      [13, 200],
      [5, 3],
    ] as const)
      for (const size of [112, 37, 16])
        for (const fit of fits)
          for (const kernel of kernelNames) {
            const rgb = noise(w, h);
            const ours = resizeRgb(rgb, w, h, size, { fit, kernel });
            expect(
              ours.equals(scalarReference(rgb, w, h, size, fit, kernel)),
              `${w}×${h} -> ${size} ${fit} ${kernel}`,
            ).toBe(true);
          }
  });

  it('refuses sizes that are not a resize', () => {
    expect(() => resizeRgb(Buffer.alloc(12), 2, 2, 0)).toThrow(/2×2 RGB \(12 bytes\) to 0×0/);
    expect(() => resizeRgb(Buffer.alloc(11), 2, 2, 4)).toThrow(RangeError);
  });
});
