import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, workingPixels, type DecodedImage } from './decode-image.js';
import { decodeJpegFast, measuredAndResized } from './decode-jpeg-fast.js';
import { readJpegMarkers } from './jpeg-markers.js';
import { noiseJpeg } from './test-fixtures.js';
import { turboJpeg, turboJpegUnavailable } from './turbojpeg.js';
import { generateSynthFaces } from './synth/index.js';

const options = { size: 112, maxPixels: 40_000_000 };
const photos = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');

/** What the sharp path makes of a JPEG: sharp's decode, then the same measure and resize. */
async function throughSharp(jpeg: Buffer): Promise<DecodedImage> {
  const work = await workingPixels(sharp(jpeg, { failOn: 'warning', sequentialRead: true }));
  return measuredAndResized(
    'jpeg',
    work.info.width,
    work.info.height,
    work.data,
    work.info.width,
    work.info.height,
    options,
  );
}

describe('decodeJpegFast (TurboJPEG)', () => {
  it('loads libjpeg-turbo on Linux x64 (the platform CI and the Linux builds run on)', () => {
    if (process.platform === 'linux' && process.arch === 'x64') expect(turboJpegUnavailable()).toBe('');
    expect(turboJpeg() === null).toBe(turboJpegUnavailable() !== '');
  });

  // Without the library (not Linux) every JPEG takes the sharp path, which decode-image.test.ts covers.
  it.skipIf(!turboJpeg())(
    'gives bit-identical pixels and measures to sharp on SynthFaces and real photo crops (baseline, progressive, grey, 4:4:4); skipped where libturbojpeg is not loaded',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ddl-fast-jpeg-'));
      try {
        await generateSynthFaces({ outDir: dir, preset: 'mixed', identities: 4, perIdentity: 5, size: 250, seed: 3 });
        const jpegs = readdirSync(dir, { recursive: true })
          .filter((f) => String(f).endsWith('.jpg'))
          .map((f) => readFileSync(join(dir, String(f))));
        for (const name of ['sample1.jpg', 'sample2.jpg', 'sample3.jpg']) {
          const photo = readFileSync(join(photos, name));
          jpegs.push(await sharp(photo).resize(480, 360).jpeg({ quality: 92 }).toBuffer());
          jpegs.push(await sharp(photo).resize(300).jpeg({ progressive: true }).toBuffer());
          jpegs.push(await sharp(photo).resize(200).greyscale().jpeg().toBuffer());
          jpegs.push(await sharp(photo).resize(512, 301).jpeg({ chromaSubsampling: '4:4:4' }).toBuffer());
        }
        expect(jpegs.length).toBe(32);
        for (const jpeg of jpegs) {
          const fast = decodeJpegFast(jpeg, options);
          expect(fast).not.toBeNull();
          const slow = await throughSharp(jpeg);
          expect(fast!.rgb.equals(slow.rgb)).toBe(true);
          expect({ ...fast!, rgb: null }).toEqual({ ...slow, rgb: null });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!turboJpeg())(
    'leaves to sharp what sharp must transform or judge: EXIF rotation, ICC profiles, > 512 px, CMYK, cut or garbled data',
    async () => {
      const face = readFileSync(join(photos, 'sample2.jpg'));
      const small = sharp(face).resize(200, 150);
      const rotated = await small.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer();
      const icc = await small.clone().jpeg().withIccProfile('p3').toBuffer();
      const large = await sharp(face).resize(600, 400).jpeg().toBuffer();
      const cmyk = await small.clone().toColourspace('cmyk').jpeg().toBuffer();
      const noise = await noiseJpeg(64);
      const garbled = Buffer.from(noise);
      garbled.fill(0x55, 200, 600);
      for (const jpeg of [rotated, icc, large, cmyk, noise.subarray(0, noise.length >> 1), garbled])
        expect(decodeJpegFast(jpeg, options)).toBeNull();
      // decodeImage still gets them right through sharp: the rotated one reports its upright size.
      expect(await decodeImage(rotated, options)).toMatchObject({ width: 150, height: 200 });
      expect(await decodeImage(large, options)).toMatchObject({ width: 600, height: 400 });
      await expect(decodeImage(noise.subarray(0, noise.length >> 1), options)).rejects.toMatchObject({
        reason: 'truncated',
      });
    },
  );
});

describe('readJpegMarkers', () => {
  it('reads the EXIF orientation (either byte order) and notices an ICC profile', async () => {
    const base = sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } });
    expect(readJpegMarkers(await base.clone().jpeg().toBuffer())).toEqual({ orientation: 1, iccProfile: false });
    for (const orientation of [3, 6, 8])
      expect(readJpegMarkers(await base.clone().jpeg().withMetadata({ orientation }).toBuffer())).toMatchObject({
        orientation,
      });
    expect(readJpegMarkers(await base.clone().jpeg().withIccProfile('p3').toBuffer())).toMatchObject({
      iccProfile: true,
    });
    // A big-endian ("MM") EXIF block with orientation 5, written by hand.
    const tiff = Buffer.from([
      0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    const exif = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
    const jpeg = await base.clone().jpeg().toBuffer();
    const segment = Buffer.concat([Buffer.from([0xff, 0xe1, (exif.length + 2) >> 8, (exif.length + 2) & 0xff]), exif]);
    const withExif = Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
    expect(readJpegMarkers(withExif)).toEqual({ orientation: 5, iccProfile: false });
    expect(decodeJpegFast(withExif, options)).toBeNull();
  });

  it('gives null for bytes that are not a well-formed JPEG header', () => {
    expect(readJpegMarkers(Buffer.from('not a jpeg'))).toBeNull();
    expect(readJpegMarkers(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x40, 0x00]))).toBeNull(); // segment runs past the end
  });
});
