// One process of the "detect + align + attributes" rows of `npm run bench:data` (bench/faces.bench.ts
// starts it with LAB_THREADS set, since the wasm thread count is fixed per process). Prints one JSON line.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { alignFace } from '../app/data/face-align.js';
import { measureRgb } from '../app/data/measure.js';
import { initBackend } from '../app/engine/backend.js';
import { FaceFinder } from '../app/faces/index.js';

const seconds = Number(process.argv[2] ?? '8');
const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');

async function rgbOf(jpeg: Buffer) {
  const { data, info } = await sharp(jpeg)
    .rotate()
    .resize({ width: 2048, height: 2048, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: data, width: info.width, height: info.height };
}

const backend = await initBackend();
const finder = await FaceFinder.load();
const photos: Buffer[] = [];
const crops: Buffer[] = [];
for (let k = 1; k <= 6; k++) {
  const photo = await sharp(join(demo, `sample${k}.jpg`))
    .resize(1920, 1280, { fit: 'cover' })
    .jpeg({ quality: 90 })
    .toBuffer();
  photos.push(photo);
  // LFW-like 250×250 crops: each face at about 45% of the crop's width.
  const image = await rgbOf(photo);
  for (const face of (await finder.find(image, { all: true })).faces) {
    const side = Math.round(face.faceSize / 0.45);
    const left = Math.round(face.box.x + face.box.width / 2 - side / 2);
    const top = Math.round(face.box.y + face.box.height / 2 - side / 2);
    if (left < 0 || top < 0 || left + side > image.width || top + side > image.height) continue;
    crops.push(
      await sharp(photo)
        .extract({ left, top, width: side, height: side })
        .resize(250, 250)
        .jpeg({ quality: 90 })
        .toBuffer(),
    );
  }
}

async function rate(files: Buffer[]): Promise<{ imagesPerSecond: number; images: number; found: number }> {
  let images = 0;
  let found = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || images < files.length) {
    const image = await rgbOf(files[images % files.length]!);
    const [face] = (await finder.find(image, { all: false })).faces;
    if (face) {
      const { rgb } = alignFace(image, face.points, 112);
      measureRgb(rgb, 112, 112);
      found++;
    }
    images++;
  }
  return { imagesPerSecond: images / ((performance.now() - start) / 1000), images, found };
}

await rate(photos.slice(0, 2)); // warm-up: kernels compiled, caches filled
const photo = await rate(photos);
const crop = await rate(crops);
process.stdout.write(`${JSON.stringify({ backend: backend.detail, photo, crop, crops: crops.length })}\n`);
