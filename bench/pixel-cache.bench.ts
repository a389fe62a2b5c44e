// Pixel cache formats, for `npm run bench:data`:
//  - disk per image of the raw and png caches at 32, 48 and 112 px;
//  - rows/s: raw reads (cache in memory) beside png decodes by the calling thread alone and with
//    1 and 2 worker threads (batches of 128; the caller decodes too), CPU ms per row;
//  - the train step's need: images/s of one wasm train step of the probe net (32 px) and ir-lite
//    (48 px) from bench:engine's child (the nets of its table), so each size's decode rate stands beside
//    the rate training consumes rows at that size.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureImageCache } from '../app/data/ensure-image-cache.js';
import { PngCacheReader } from '../app/data/png-cache.js';
import { PixelCacheReader, pixelCacheFiles, readPixelCacheManifest } from '../app/data/pixel-cache.js';
import type { LabDatabase } from '../app/store/db.js';

const batch = 128;

function rowsPerSecond(read: (rows: Int32Array) => void, count: number, minSeconds = 1.5) {
  const random = Int32Array.from({ length: batch }, (_, k) => (k * 7919) % count);
  read(random); // warm-up (workers start, pages cached)
  const cpu = process.cpuUsage();
  const start = performance.now();
  let rows = 0;
  while (performance.now() - start < minSeconds * 1000) {
    for (let k = 0; k < batch; k++) random[k] = (random[k]! * 48271 + 11) % count;
    read(random);
    rows += batch;
  }
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { rowsPerSecond: rows / seconds, cpuMsPerRow: ((used.user + used.system) / 1000 / rows) as number };
}

/** Images/s of one wasm train step (bench:engine's child), or why not. */
type Need = { imagesPerSecond: number; stepMs: number; stepCpuMs: number; batch: number };

function trainStepNeed(net: 'probe' | 'ir-lite'): Need | string {
  const engine = fileURLToPath(new URL('./engine.bench.ts', import.meta.url));
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, engine, '--child', '--net', net, '--steps', '6', '--warmup', '2'],
    { env: { ...process.env, LAB_BACKEND: 'wasm' }, encoding: 'utf8', timeout: 10 * 60_000 },
  );
  const line = run.stdout
    ?.trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!line) return `engine child failed (${run.status}): ${run.stderr?.trim().split('\n').pop()}`;
  const measured = JSON.parse(line) as { batch: number; train?: { wallMs: number; cpuMs: number }; error?: string };
  if (!measured.train) return measured.error ?? 'no train-step figure';
  return {
    imagesPerSecond: measured.batch / (measured.train.wallMs / 1000),
    stepMs: measured.train.wallMs,
    stepCpuMs: measured.train.cpuMs,
    batch: measured.batch,
  };
}

/**
 * Caches the raw dataset `rawId` and its png twin `pngId` (the same files) at 32 and 48 px too,
 * and measures. Returns the figures for the bench's JSON.
 */
export async function pixelCacheBenchRows(
  db: LabDatabase,
  dataDir: string,
  rawId: number,
  pngId: number,
  say: (line: string) => void,
): Promise<Record<string, unknown>> {
  const sizes = [32, 48, 112];
  for (const size of sizes) {
    await ensureImageCache(db, rawId, size, { dataDir, verify: false });
    await ensureImageCache(db, pngId, size, { dataDir, verify: false });
  }
  const need = { probe: trainStepNeed('probe'), irLite: trainStepNeed('ir-lite') };
  const needOf: Record<number, [string, Need | string]> = {
    32: ['probe net', need.probe],
    48: ['ir-lite', need.irLite],
  };
  const out: Record<string, unknown> = { trainStepNeed: need };
  for (const size of sizes) {
    const bytes = (id: number) => {
      const manifest = readPixelCacheManifest(dataDir, id, size)!;
      return pixelCacheFiles(dataDir, manifest).reduce((sum, f) => sum + statSync(f).size, 0) / manifest.count;
    };
    const rawBytes = bytes(rawId),
      pngBytes = bytes(pngId);
    const raw = PixelCacheReader.open(dataDir, rawId, size);
    let sink = 0;
    const rawRate = rowsPerSecond((rows) => {
      for (const r of rows) sink += raw.row(r)[0]!;
    }, raw.count);
    raw.close();
    const rates: Record<string, { rowsPerSecond: number; cpuMsPerRow: number }> = {};
    for (const workers of [0, 1, 2]) {
      const reader = PngCacheReader.open(dataDir, pngId, size, { decodeWorkers: workers });
      rates[`workers${workers}`] = rowsPerSecond((rows) => {
        const pixels = reader.decoder.decode(rows);
        sink += pixels[0]!;
      }, reader.count);
      reader.close();
    }
    void sink;
    say(
      `Pixel cache ${size}×${size}: raw ${(rawBytes / 1024).toFixed(1)} KB/image, png ${(pngBytes / 1024).toFixed(1)} KB/image (${(rawBytes / pngBytes).toFixed(2)}× smaller). ` +
        `Rows/s (batches of ${batch}): raw read ${rawRate.rowsPerSecond.toFixed(0)}; png decode, caller alone ${rates.workers0!.rowsPerSecond.toFixed(0)} (${rates.workers0!.cpuMsPerRow.toFixed(3)} ms CPU/row), ` +
        `+1 worker ${rates.workers1!.rowsPerSecond.toFixed(0)}, +2 workers ${rates.workers2!.rowsPerSecond.toFixed(0)}.` +
        needText(needOf[size], rates.workers0!.cpuMsPerRow, rates.workers1!.rowsPerSecond),
    );
    out[`size${size}`] = { rawBytesPerImage: rawBytes, pngBytesPerImage: pngBytes, raw: rawRate, png: rates };
  }
  return out;
}

/** The train step's need at this size beside the decode: images/s, and a batch's decode CPU as a share of the step's CPU. */
function needText(entry: [string, Need | string] | undefined, cpuMsPerRow: number, oneWorkerRate: number): string {
  if (!entry) return '';
  const [net, need] = entry;
  if (typeof need === 'string') return ` ${net}: ${need}`;
  return (
    ` The ${net} wasm train step takes ${need.batch} images in ${need.stepMs.toFixed(1)} ms (${need.stepCpuMs.toFixed(1)} ms CPU): ${need.imagesPerSecond.toFixed(0)} images/s, ` +
    `which png with 1 worker covers ${(oneWorkerRate / need.imagesPerSecond).toFixed(1)}×; decoding its batch costs ${(need.batch * cpuMsPerRow).toFixed(1)} ms CPU, ` +
    `${((100 * need.batch * cpuMsPerRow) / need.stepCpuMs).toFixed(1)} % of the step's CPU.`
  );
}
