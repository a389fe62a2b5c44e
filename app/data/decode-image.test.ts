import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeBmp } from './bmp.js';
import { decodeImage } from './decode-image.js';
import { endsEarly } from './image-format.js';
import { ImageFileError } from './image-error.js';
import { sniffImageFormat } from './image-format.js';
import { encodeBmp24, encodeRgb, noiseJpeg, twoToneRgb } from './test-fixtures.js';

const limit = 40_000_000;

async function reasonOf(bytes: Buffer): Promise<string> {
  try {
    await decodeImage(bytes, { size: 8, maxPixels: limit });
    return 'decoded';
  } catch (error) {
    return error instanceof ImageFileError ? error.reason : `threw ${String(error)}`;
  }
}

describe('decodeImage', () => {
  it('decodes JPEG, PNG, WebP, TIFF, GIF and BMP to S×S RGB with the original size', async () => {
    const rgb = twoToneRgb(24, 12, [200, 10, 10], [10, 10, 200]);
    const gif = await sharp(rgb, { raw: { width: 24, height: 12, channels: 3 } })
      .gif()
      .toBuffer();
    for (const [format, bytes] of [
      ...(await Promise.all(
        (['jpeg', 'png', 'webp', 'tiff', 'bmp'] as const).map(
          async (f) => [f, await encodeRgb(rgb, 24, 12, f)] as const,
        ),
      )),
      ['gif', gif] as const,
    ]) {
      const image = await decodeImage(bytes, { size: 8, maxPixels: limit, fit: 'fill' });
      expect(image.format).toBe(format);
      expect([image.width, image.height]).toEqual([24, 12]);
      expect(image.rgb.length).toBe(8 * 8 * 3);
      expect(image.rgb[0]).toBeGreaterThan(150); // left stays red
      expect(image.rgb[8 * 3 - 1]).toBeGreaterThan(150); // right stays blue
    }
  });

  it('turns greyscale, alpha and 16-bit images into 8-bit RGB', async () => {
    const grey = await sharp(Buffer.alloc(64, 90), { raw: { width: 8, height: 8, channels: 1 } })
      .png()
      .toBuffer();
    const alpha = await sharp({
      create: { width: 8, height: 8, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 1 } },
    })
      .png()
      .toBuffer();
    const deep = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 255, g: 0, b: 0 } } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect([...(await decodeImage(grey, { size: 4, maxPixels: limit })).rgb.subarray(0, 3)]).toEqual([90, 90, 90]);
    expect([...(await decodeImage(alpha, { size: 4, maxPixels: limit })).rgb.subarray(0, 3)]).toEqual([10, 200, 30]);
    expect([...(await decodeImage(deep, { size: 4, maxPixels: limit })).rgb.subarray(0, 3)]).toEqual([255, 0, 0]);
  });

  it('reports the original size of an image larger than the measuring size (512)', async () => {
    const big = await sharp({ create: { width: 900, height: 300, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    expect(await decodeImage(big, { size: 8, maxPixels: limit })).toMatchObject({ width: 900, height: 300 });
    const rotated = await sharp({ create: { width: 900, height: 300, channels: 3, background: '#808080' } })
      .jpeg()
      .withMetadata({ orientation: 8 })
      .toBuffer();
    expect(await decodeImage(rotated, { size: 8, maxPixels: limit })).toMatchObject({ width: 300, height: 900 });
  });

  it('applies EXIF orientation (a rotated phone photo reports its upright size)', async () => {
    const sideways = await sharp(twoToneRgb(20, 10, [0, 0, 0], [255, 255, 255]), {
      raw: { width: 20, height: 10, channels: 3 },
    })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const image = await decodeImage(sideways, { size: 8, maxPixels: limit });
    expect([image.width, image.height]).toEqual([10, 20]);
  });

  it('measures sharpness (blur lowers it), brightness and contrast', async () => {
    const crisp = await noiseJpeg(96);
    const blurred = await sharp(crisp).blur(4).jpeg().toBuffer();
    const a = await decodeImage(crisp, { size: 8, maxPixels: limit });
    const b = await decodeImage(blurred, { size: 8, maxPixels: limit });
    expect(a.sharpness).toBeGreaterThan(20 * b.sharpness);
    const white = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const black = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#000000' } })
      .png()
      .toBuffer();
    expect(await decodeImage(white, { size: 8, maxPixels: limit })).toMatchObject({
      brightness: 1,
      contrast: 0,
      sharpness: 0,
    });
    expect(await decodeImage(black, { size: 8, maxPixels: limit })).toMatchObject({ brightness: 0, contrast: 0 });
    const halves = await decodeImage(await encodeRgb(twoToneRgb(16, 16, [0, 0, 0], [255, 255, 255]), 16, 16, 'png'), {
      size: 8,
      maxPixels: limit,
    });
    expect(halves.brightness).toBeCloseTo(0.5, 5);
    expect(halves.contrast).toBeCloseTo(0.5, 5);
  });

  it('names what is wrong with bad bytes', async () => {
    const jpeg = await noiseJpeg(64);
    const png = await encodeRgb(twoToneRgb(64, 64, [1, 2, 3], [4, 5, 6]), 64, 64, 'png');
    expect(await reasonOf(Buffer.alloc(0))).toBe('empty');
    expect(await reasonOf(Buffer.from('GIF? no, plain text'))).toBe('not an image');
    expect(await reasonOf(jpeg.subarray(0, jpeg.length >> 1))).toBe('truncated');
    expect(await reasonOf(png.subarray(0, png.length - 20))).toBe('truncated');
    const garbled = Buffer.from(jpeg);
    garbled.fill(0x55, 200, 600); // inside the entropy-coded data, the end marker intact
    expect(['corrupt', 'decoded']).toContain(await reasonOf(garbled));
  });

  it('refuses images over the pixel limit from the header alone', async () => {
    const big = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    await expect(decodeImage(big, { size: 8, maxPixels: 50_000 })).rejects.toMatchObject({
      reason: 'too many pixels',
      detail: expect.stringMatching(/300×200 = 0\.1 MP/),
    });
  });

  it('tells a complete file from one cut short by its end marker', async () => {
    const jpeg = await noiseJpeg(16);
    expect(endsEarly(jpeg, 'jpeg')).toBe(false);
    expect(endsEarly(jpeg.subarray(0, jpeg.length - 1), 'jpeg')).toBe(true);
    expect(sniffImageFormat(jpeg)).toBe('jpeg');
  });
});

describe('decodeBmp (sharp has no BMP loader)', () => {
  const rgb = twoToneRgb(5, 3, [250, 20, 10], [5, 100, 240]); // odd width: rows are padded

  it('reads 24-bit bottom-up BMPs', () => {
    const image = decodeBmp(encodeBmp24(rgb, 5, 3), limit);
    expect([image.width, image.height]).toEqual([5, 3]);
    expect(image.data.equals(rgb)).toBe(true);
  });

  it('reads 8-bit palette, 32-bit BITFIELDS top-down and 1-bit BMPs', () => {
    // 8-bit palette: two colours.
    const stride8 = 8;
    const pal = Buffer.alloc(54 + 8 + stride8 * 3);
    writeHeader(pal, 5, 3, 8, 0, 54 + 8);
    pal.writeUInt32LE(2, 46);
    pal.set([10, 20, 250, 0, 240, 100, 5, 0], 54); // BGRA: red-ish, blue-ish
    for (let y = 0; y < 3; y++) for (let x = 0; x < 5; x++) pal[62 + (2 - y) * stride8 + x] = x < 2.5 ? 0 : 1;
    expect(decodeBmp(pal, limit).data.equals(rgb)).toBe(true);

    // 32-bit BITFIELDS, top-down (negative height), masks R=0xff00 G=0xff0000 B=0xff000000.
    const bf = Buffer.alloc(54 + 12 + 5 * 4 * 3);
    writeHeader(bf, 5, -3, 32, 3, 66);
    bf.writeUInt32LE(0x0000ff00, 54);
    bf.writeUInt32LE(0x00ff0000, 58);
    bf.writeUInt32LE(0xff000000, 62);
    for (let i = 0; i < 15; i++) {
      const [r, g, b] = [rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!];
      bf.writeUInt32LE(((b << 24) | (g << 16) | (r << 8)) >>> 0, 66 + i * 4);
    }
    expect(decodeBmp(bf, limit).data.equals(rgb)).toBe(true);

    // 1-bit: a black/white checker row.
    const mono = Buffer.alloc(54 + 8 + 4);
    writeHeader(mono, 4, 1, 1, 0, 62);
    mono.set([0, 0, 0, 0, 255, 255, 255, 0], 54);
    mono[62] = 0b01010000;
    expect([...decodeBmp(mono, limit).data]).toEqual([0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255]);
  });

  it('says "unsupported format" for RLE BMPs, "truncated" when pixels are missing, and checks the pixel limit first', () => {
    const rle = Buffer.alloc(54 + 8);
    writeHeader(rle, 5, 3, 8, 1, 62);
    expect(() => decodeBmp(rle, limit)).toThrow(expect.objectContaining({ reason: 'unsupported format' }));
    const full = encodeBmp24(rgb, 5, 3);
    expect(() => decodeBmp(full.subarray(0, full.length - 10), limit)).toThrow(
      expect.objectContaining({ reason: 'truncated' }),
    );
    const huge = Buffer.alloc(54);
    writeHeader(huge, 100_000, 100_000, 24, 0, 54);
    expect(() => decodeBmp(huge, limit)).toThrow(expect.objectContaining({ reason: 'too many pixels' }));
  });
});

function writeHeader(
  buf: Buffer,
  width: number,
  height: number,
  bpp: number,
  compression: number,
  offset: number,
): void {
  buf.write('BM', 0, 'ascii');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(offset, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(bpp, 28);
  buf.writeUInt32LE(compression, 30);
}
