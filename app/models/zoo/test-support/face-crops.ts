import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { packageFile } from '../graph-model-files.js';

// Real faces for the zoo's parity tests: square boxes around the faces in two of the group photos
// @vladmandic/face-api ships in demo/ (found once by eye; parity is about the network, so a loose
// crop is enough), resized to 112×112.

export const faceBoxes: { photo: string; left: number; top: number; size: number }[] = [
  { photo: 'sample1.jpg', left: 400, top: 360, size: 240 },
  { photo: 'sample1.jpg', left: 830, top: 420, size: 220 },
  { photo: 'sample1.jpg', left: 1450, top: 200, size: 240 },
  { photo: 'sample2.jpg', left: 340, top: 180, size: 220 },
  { photo: 'sample2.jpg', left: 900, top: 260, size: 200 },
  { photo: 'sample2.jpg', left: 1430, top: 170, size: 220 },
];

/** Each face as 112×112×3 RGB bytes. */
export async function faceCropPixels(side = 112): Promise<Uint8Array[]> {
  return Promise.all(
    faceBoxes.map(async ({ photo, left, top, size }) => {
      const file = packageFile('@vladmandic/face-api', join('demo', photo));
      const raw = await sharp(file)
        .extract({ left, top, width: size, height: size })
        .resize(side, side)
        .removeAlpha()
        .raw()
        .toBuffer();
      return new Uint8Array(raw);
    }),
  );
}

/** Writes the crops as PNG files into dir (face-0.png …) and returns their paths. */
export async function writeFaceCrops(dir: string, side = 112): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const pixels = await faceCropPixels(side);
  return Promise.all(
    pixels.map(async (p, i) => {
      const path = join(dir, `face-${i}.png`);
      await sharp(Buffer.from(p), { raw: { width: side, height: side, channels: 3 } })
        .png()
        .toFile(path);
      return path;
    }),
  );
}
