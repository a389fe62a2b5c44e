// `npx tsx bench/import-stages.ts [-- --identities 200 --per-identity 10 --folder DIR]`
// Where an import's CPU goes, per image, on SynthFaces 250×250 JPEGs -> 112×112: each stage run
// alone over the same files (read, SHA-1, sharp decode, measure, our resize, and for comparison the
// sharp resize call it replaced), the whole decode stage, the whole `importDataset`, and PIL's
// one-thread decode + resize (bench/reference/pil_resize.py) from the same run. Process CPU time, so a busy machine inflates it less than wall time.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { decodeImage, defaultMaxPixels, measureSide } from '../app/data/decode-image.js';
import { importDataset } from '../app/data/import-dataset.js';
import { measureRgb } from '../app/data/measure.js';
import { readImageFile } from '../app/data/read-image-file.js';
import { resizeRgb } from '../app/data/resize-rgb.js';
import { generateSynthFaces } from '../app/data/synth/index.js';
import { openDatabase } from '../app/store/db.js';
import { runReference } from './reference.js';

const { values } = parseArgs({
  options: {
    identities: { type: 'string', default: '200' },
    'per-identity': { type: 'string', default: '10' },
    folder: { type: 'string' },
  },
});
const say = (line: string) => process.stdout.write(`${line}\n`);
const dir = mkdtempSync(join(tmpdir(), 'ddl-bench-stages-'));
// The temp labs' pixel caches go with them, not to ~/.cache/ddl-lab where nothing would remove them.
process.env.DDL_LAB_CACHE_DIR = join(dir, 'caches');

/** CPU milliseconds per item of `work` over `items`, `inFlight` at a time (sharp's threads included). */
async function cpuPerItem<T>(items: readonly T[], work: (item: T) => unknown, inFlight = 4): Promise<number> {
  const before = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / items.length;
}

try {
  const folder = values.folder ?? join(dir, 'synth');
  if (!values.folder) {
    const [identities, perIdentity] = [Number(values.identities), Number(values['per-identity'])];
    await generateSynthFaces({ outDir: folder, preset: 'mixed', identities, perIdentity, size: 250, seed: 7 });
  }
  const paths = execFileSync('find', [folder, '-name', '*.jpg'], { encoding: 'utf8' }).trim().split('\n').sort();
  say(
    `import stages on ${paths.length} JPEGs, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} (CPU ms per image):`,
  );

  const files = await Promise.all(paths.map((p) => readImageFile(p)));
  const raws = await Promise.all(
    files.slice(0, 200).map((f) =>
      sharp(f.bytes)
        .raw()
        .toBuffer({ resolveWithObject: true })
        .then((r) => ({ data: r.data, width: r.info.width, height: r.info.height })),
    ),
  );
  const rows: Array<[string, number]> = [];
  rows.push(['read (stat, open, read, close)', await cpuPerItem(paths, (p) => readImageFile(p))]);
  rows.push(['SHA-1', await cpuPerItem(files, (f) => createHash('sha1').update(f.bytes).digest('hex'))]);
  rows.push([
    'sharp decode to raw RGB (call 1)',
    await cpuPerItem(files, (f) =>
      sharp(f.bytes, { failOn: 'warning', sequentialRead: true })
        .rotate()
        .resize({ width: measureSide, height: measureSide, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#000000' })
        .toColourspace('srgb')
        .raw()
        .toBuffer(),
    ),
  ]);
  const cycle = <T>(list: T[]) => Array.from({ length: files.length }, (_, i) => list[i % list.length]!);
  rows.push(['measure (grey, Laplacian)', await cpuPerItem(cycle(raws), (r) => measureRgb(r.data, r.width, r.height))]);
  rows.push([
    'resizeRgb raw -> 112 (ours, lanczos3, wasm SIMD)',
    await cpuPerItem(cycle(raws), (r) => resizeRgb(r.data, r.width, r.height, 112, { fit: 'cover' })),
  ]);
  rows.push([
    'sharp resize raw -> 112 (replaced by resizeRgb)',
    await cpuPerItem(cycle(raws), (r) =>
      sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } })
        .resize(112, 112, { fit: 'cover' })
        .raw()
        .toBuffer(),
    ),
  ]);
  rows.push([
    'sharp raw -> raw, no operation (call overhead)',
    await cpuPerItem(cycle(raws), (r) =>
      sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } })
        .raw()
        .toBuffer(),
    ),
  ]);
  rows.push([
    'decodeImage (sharp call 1 + measure + resizeRgb)',
    await cpuPerItem(files, (f) => decodeImage(f.bytes, { size: 112, maxPixels: defaultMaxPixels })),
  ]);
  const db = openDatabase(join(dir, 'lab', 'lab.sqlite'));
  const before = process.cpuUsage();
  const started = performance.now();
  const imported = await importDataset({ db, root: folder, inputSize: 112 });
  const wallMs = (performance.now() - started) / imported.images;
  const used = process.cpuUsage(before);
  db.close();
  const importMs = (used.user + used.system) / 1000 / imported.images;
  rows.push(['whole import (importDataset)', importMs]);
  rows.push(['whole import, wall ms per image (not CPU; load-sensitive)', wallMs]);
  const pil = runReference('pil_resize.py', [folder, 112, 1]);
  const pilMs = pil.ok ? ((pil.value.cpuSeconds as number[])[0]! * 1000) / (pil.value.images as number) : Number.NaN;
  rows.push(['PIL open + convert + resize BILINEAR, one thread', pilMs]);
  for (const [name, ms] of rows) say(`  ${name.padEnd(58)} ${Number.isNaN(ms) ? '—' : ms.toFixed(2)}`);
  if (!pil.ok) say(`PIL reference skipped: ${pil.reason}`);
  else
    say(
      `import / PIL CPU per image = ${(importMs / pilMs).toFixed(2)}×; on ${cpus().length} idle cores the import matches PIL's one-thread rate at ≤ ${cpus().length}× PIL's CPU per image.`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
