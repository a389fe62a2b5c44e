// `npm run build:icons`: renders resources/icon.svg with sharp to every size the installers and the
// window use, and writes the containers: resources/icons/NxN.png (Linux, and the window icon),
// resources/icon.png (1024), resources/icon.ico (Windows), resources/icon.icns (macOS). The
// outputs are committed; run this after changing the SVG.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { writeIcns, writeIco } from './icon-containers.js';

const resources = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'resources');
export const pngSizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const icoSizes = [16, 24, 32, 48, 64, 128, 256];

export async function renderIcon(svg: Buffer, size: number): Promise<Buffer> {
  // Rendered at a density that gives at least `size` pixels, then resized: crisp at every size.
  const density = Math.max(72, Math.ceil((72 * size) / 1024) * 2);
  return sharp(svg, { density }).resize(size, size).png({ compressionLevel: 9, adaptiveFiltering: false }).toBuffer();
}

async function main(): Promise<void> {
  const svg = readFileSync(join(resources, 'icon.svg'));
  mkdirSync(join(resources, 'icons'), { recursive: true });
  const pngs = new Map<number, Buffer>();
  for (const size of pngSizes) {
    const png = await renderIcon(svg, size);
    pngs.set(size, png);
    writeFileSync(join(resources, 'icons', `${size}x${size}.png`), png);
  }
  writeFileSync(join(resources, 'icon.png'), pngs.get(1024)!);
  writeFileSync(join(resources, 'icon.ico'), writeIco(icoSizes.map((size) => ({ size, png: pngs.get(size)! }))));
  writeFileSync(join(resources, 'icon.icns'), writeIcns(pngs));
  process.stdout.write(`build-icons: ${pngSizes.length} PNGs, icon.png, icon.ico, icon.icns in ${resources}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
