import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// "detect + align + attributes" rows of `npm run bench:data`: images/s of decoding a JPEG, finding
// the largest face (BlazeFace + two FaceMesh passes), aligning it to 112×112 and measuring it, for
// 1920×1280 photos and for 250×250 face crops, with 1 and 2 wasm threads (one process each). There
// is no reference figure: PIL has no face detector, and the field's detectors (RetinaFace, MTCNN)
// are not installed here.

export interface FaceBenchRow {
  threads: number;
  backend: string;
  photoImagesPerSecond: number;
  cropImagesPerSecond: number;
  photosWithFace: string;
  cropsWithFace: string;
}

export function faceBenchRows(say: (line: string) => void, seconds = 8): FaceBenchRow[] {
  const worker = fileURLToPath(new URL('./faces-worker.ts', import.meta.url));
  const rows: FaceBenchRow[] = [];
  for (const threads of [1, 2]) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', worker, String(seconds)], {
      env: { ...process.env, LAB_THREADS: String(threads), LAB_BACKEND: process.env.LAB_BACKEND ?? 'wasm' },
      encoding: 'utf8',
    });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{')) {
      say(`detect + align + attributes, ${threads} thread(s): failed (${run.stderr.trim().split('\n').pop()})`);
      continue;
    }
    const r = JSON.parse(line) as {
      backend: string;
      photo: { imagesPerSecond: number; images: number; found: number };
      crop: { imagesPerSecond: number; images: number; found: number };
    };
    const row: FaceBenchRow = {
      threads,
      backend: r.backend,
      photoImagesPerSecond: r.photo.imagesPerSecond,
      cropImagesPerSecond: r.crop.imagesPerSecond,
      photosWithFace: `${r.photo.found}/${r.photo.images}`,
      cropsWithFace: `${r.crop.found}/${r.crop.images}`,
    };
    rows.push(row);
    say(
      `detect + align + attributes, ${r.backend}: 1920×1280 photos ${row.photoImagesPerSecond.toFixed(1)} images/s (face in ${row.photosWithFace}); 250×250 crops ${row.cropImagesPerSecond.toFixed(1)} images/s (face in ${row.cropsWithFace}). No reference: PIL has no face detector.`,
    );
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  faceBenchRows((line) => process.stdout.write(`${line}\n`), Number(process.argv[2] ?? '8'));
}
