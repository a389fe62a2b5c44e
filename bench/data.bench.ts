// `npm run bench:data [-- --identities 200 --per-identity 10 --rounds 3 --big 50000 --no-big]`
// Measures, in one run on this machine:
//  - import (read + hash + decode + measure + resize, on the import's decode threads) of SynthFaces 250×250 JPEGs
//    into a 112×112 cache, images/s (DDL_LAB_TURBOJPEG=off: every JPEG through sharp, for comparison),
//    beside PIL decoding + resizing the same files on one thread (bench/reference/pil_resize.py; skipped with a
//    message without python3-pil), in alternating rounds (--rounds);
//  - batches/s of the DDL sampler (b = 32, four branches) and the classification sampler (128), cache in memory and read per row;
//  - the same import with a png cache (--cache png), images/s beside the raw import's;
//  - pixel cache formats (bench/pixel-cache.bench.ts): KB per image raw and png at 32/48/112 px, raw reads and png
//    decodes (caller alone, +1, +2 worker threads) in rows/s beside the wasm train step's images/s (probe net, ir-lite);
//  - split-rule evaluation on 50 000 images (the Split page's live counts);
//  - a 50 000-image import (the generated JPEGs re-used with a unique JPEG comment each, so every file is distinct),
//    with peak RSS, when the measured rate says it takes under 5 minutes (else extrapolated, and said so);
//  - detect + align + attributes (faces), images/s for 1920×1280 photos and 250×250 crops, 1 and 2 threads.
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClassificationSampler } from '../app/data/classification-sampler.js';
import { createDdlSampler } from '../app/data/ddl-sampler.js';
import { decodeThreadCount } from '../app/data/decode-threads.js';
import { turboJpeg, turboJpegUnavailable } from '../app/data/turbojpeg.js';
import { evaluateSplit } from '../app/data/evaluate-split.js';
import { importDataset, type ImportResult } from '../app/data/import-dataset.js';
import { faceBenchRows } from './faces.bench.js';
import { pixelCacheBenchRows } from './pixel-cache.bench.js';
import { generateSynthFaces } from '../app/data/synth/index.js';
import { insertAttributeValues, setAttributeColumns } from '../app/store/attributes-repo.js';
import { createDataset, updateDataset } from '../app/store/datasets-repo.js';
import { openDatabase } from '../app/store/db.js';
import { insertIdentities, insertImages, type NewImage } from '../app/store/images-repo.js';
import { Random } from '../app/util/random.js';
import { median, runReference } from './reference.js';

const { values } = parseArgs({
  options: {
    identities: { type: 'string', default: '200' },
    'per-identity': { type: 'string', default: '10' },
    big: { type: 'string', default: '50000' },
    'no-big': { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    rounds: { type: 'string', default: '3' },
  },
});
const identities = Number(values.identities);
const perIdentity = Number(values['per-identity']);
const bigCount = Number(values.big);
const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
const rounds = Math.max(1, Number(values.rounds));

const dir = mkdtempSync(join(tmpdir(), 'ddl-bench-data-'));
// The temp labs' pixel caches go with them, not to ~/.cache/ddl-lab where nothing would remove them.
process.env.DDL_LAB_CACHE_DIR = join(dir, 'caches');
const results: Record<string, unknown> = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverageAtStart: loadavg().map((l) => +l.toFixed(2)) },
};
const say = (line: string) => process.stdout.write(`${line}\n`);

function timed<T>(work: () => T): { value: T; seconds: number; cpuSeconds: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = work();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

async function timedAsync<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

try {
  say(
    `bench:data on ${cpus().length} cores (${cpus()[0]?.model}), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} — other work on the machine slows every figure.`,
  );

  // 1. SynthFaces JPEGs at 250×250.
  const synthDir = join(dir, 'synth');
  const synth = await timedAsync(() =>
    generateSynthFaces({ outDir: synthDir, preset: 'mixed', identities, perIdentity, size: 250, seed: 7 }),
  );
  const images = identities * perIdentity;
  say(
    `SynthFaces: ${images} images 250×250 generated in ${synth.seconds.toFixed(1)} s (${(images / synth.seconds).toFixed(0)} images/s; not part of the import figure).`,
  );

  // 2. Import at 112, in rounds alternating with the PIL reference (same files, same run).
  const importRates: number[] = [];
  const importCpu: number[] = [];
  const pilRates: number[] = [];
  const pilCpu: number[] = [];
  let pilSkipped: string | undefined;
  let imported!: { value: ImportResult; seconds: number; cpuSeconds: number };
  let lastDb: ReturnType<typeof openDatabase> | undefined;
  for (let round = 0; round < rounds; round++) {
    lastDb?.close();
    const thisDb = openDatabase(join(dir, `data-${round}`, 'lab.sqlite'));
    lastDb = thisDb;
    imported = await timedAsync(() => importDataset({ db: thisDb, root: synthDir, inputSize: 112, concurrency }));
    importRates.push(imported.value.images / imported.seconds);
    importCpu.push((imported.cpuSeconds * 1000) / imported.value.images);
    if (pilSkipped) continue;
    const pil = runReference('pil_resize.py', [synthDir, 112, 1]);
    if (!pil.ok) pilSkipped = pil.reason;
    else {
      const count = pil.value.images as number;
      pilRates.push(count / (pil.value.seconds as number[])[0]!);
      pilCpu.push(((pil.value.cpuSeconds as number[])[0]! * 1000) / count);
    }
  }
  const rate = median(importRates);
  say(
    `Import 250×250 JPEG -> 112×112 cache (decode + measure + resize + SQLite), concurrency ${imported.value.stream.concurrency}, ${decodeThreadCount(imported.value.images)} decode threads: ${imported.value.images} images, median of ${rounds} rounds ${rate.toFixed(0)} images/s (process CPU ${median(importCpu).toFixed(2)} ms per image, every thread included; JPEGs decoded by ${turboJpeg() ? 'libjpeg-turbo' : `sharp (${turboJpegUnavailable()})`}; load average ${loadavg()[0]!.toFixed(2)}).`,
  );
  if (pilSkipped) say(`PIL reference skipped: ${pilSkipped}`);
  else {
    const pilRate = median(pilRates);
    say(
      `PIL decode + resize (BILINEAR) of the same files, one thread: ${pilRate.toFixed(0)} images/s (${median(pilCpu).toFixed(2)} ms CPU per image). Import / PIL = ${(rate / pilRate).toFixed(2)}× (rate), ${(median(pilCpu) / median(importCpu)).toFixed(2)}× (CPU per image).`,
    );
  }
  results.import = {
    images: imported.value.images,
    seconds: imported.seconds,
    imagesPerSecond: rate,
    cpuMsPerImage: median(importCpu),
    concurrency: imported.value.stream.concurrency,
    decodeThreads: decodeThreadCount(imported.value.images),
    jpegDecoder: turboJpeg() ? 'libjpeg-turbo (TurboJPEG)' : `sharp (${turboJpegUnavailable()})`,
    bad: imported.value.bad.length,
    pil: pilSkipped ? { skipped: pilSkipped } : { imagesPerSecond: median(pilRates), cpuMsPerImage: median(pilCpu) },
  };
  const datasetId = imported.value.id;
  const db = lastDb!;
  const split = imported.value.split;
  if (!split) throw new Error('SynthFaces split-rule.json was not saved as a split');

  // 3. Samplers.
  const samplerRates: Record<string, unknown> = {};
  const b = Math.min(32, identities);
  for (const resident of [true, false]) {
    const residentLimit = resident ? undefined : 0;
    const ddl = createDdlSampler({
      db,
      datasetId,
      splitId: split.id,
      inputSize: 112,
      batch: b,
      studentPairs: 'easy-hard',
      seed: 1,
      flip: true,
      residentLimit,
    });
    ddl.next();
    const steps = 40;
    const ddlTime = timed(() => {
      for (let i = 0; i < steps; i++) ddl.next();
    });
    ddl.close();
    const cls = createClassificationSampler({
      db,
      datasetId,
      inputSize: 112,
      batchSize: 128,
      seed: 1,
      flip: true,
      residentLimit,
    });
    cls.next();
    const clsTime = timed(() => {
      for (let i = 0; i < steps; i++) cls.next();
    });
    cls.close();
    const mode = resident ? 'cache in memory' : 'cache read per row';
    const ddlRate = steps / ddlTime.seconds;
    const clsRate = steps / clsTime.seconds;
    say(
      `DDL sampler b=${b} (6×${b} images of 112×112, flip), ${mode}: ${ddlRate.toFixed(1)} batches/s (${(ddlRate * 6 * b).toFixed(0)} images/s).`,
    );
    say(
      `Classification sampler 128 × 112×112 (flip), ${mode}: ${clsRate.toFixed(1)} batches/s (${(clsRate * 128).toFixed(0)} images/s).`,
    );
    samplerRates[resident ? 'resident' : 'perRow'] = {
      b,
      ddlBatchesPerSecond: ddlRate,
      classificationBatchesPerSecond: clsRate,
    };
  }
  results.samplers = samplerRates;

  // 3b. Pixel cache formats: disk per image, raw reads and png decodes (1 and 2 workers) beside the train step's need.
  const dataDir = join(dir, `data-${rounds - 1}`);
  const pngImport = await timedAsync(() =>
    importDataset({ db, root: synthDir, dataDir, name: 'png', inputSize: 112, concurrency, cacheFormat: 'png' }),
  );
  const pngRate = pngImport.value.images / pngImport.seconds;
  const pngCpuMs = (pngImport.cpuSeconds * 1000) / pngImport.value.images;
  say(
    `Import of the same files with a png cache (--cache png; decode threads encode the rows): ${pngRate.toFixed(0)} images/s (process CPU ${pngCpuMs.toFixed(2)} ms per image), ${(pngRate / rate).toFixed(2)}× the raw import's rate above.`,
  );
  results.pngImport = { imagesPerSecond: pngRate, cpuMsPerImage: pngCpuMs };
  results.pixelCache = await pixelCacheBenchRows(db, dataDir, datasetId, pngImport.value.id, say);

  // 4. Split evaluation on 50 000 images (rows made directly; no pixels needed).
  const evalDb = openDatabase(join(dir, 'eval', 'lab.sqlite'));
  const fakeId = createDataset(evalDb, { name: 'fifty-thousand', kind: 'imagefolder', root: dir, maxPixels: 1 });
  const random = new Random(3);
  const rows: NewImage[] = Array.from({ length: 50_000 }, (_, i) => ({
    idx: i,
    path: `id${Math.floor(i / 10)}/${i}.jpg`,
    pathBytes: null,
    identityIdx: Math.floor(i / 10),
    fileSize: 1,
    fileMtimeMs: 0,
    sha1: String(i),
    format: 'jpeg',
    width: 250,
    height: 250,
    sharpness: random.uniform(0, 500),
    brightness: random.next(),
    contrast: random.uniform(0, 0.5),
  }));
  const ids = insertImages(evalDb, fakeId, rows);
  insertIdentities(
    evalDb,
    fakeId,
    Array.from({ length: 5000 }, (_, c) => ({ idx: c, name: `id${c}`, imageCount: 10 })),
  );
  setAttributeColumns(evalDb, fakeId, [
    { name: 'yaw', kind: 'numeric' },
    { name: 'resolution', kind: 'numeric' },
    { name: 'race', kind: 'categorical' },
  ]);
  insertAttributeValues(
    evalDb,
    fakeId,
    ids.flatMap((imageId) => [
      { imageId, name: 'yaw', num: random.uniform(-90, 90), text: null },
      { imageId, name: 'resolution', num: random.uniform(0.125, 1), text: null },
      { imageId, name: 'race', num: null, text: random.pick(['a', 'b', 'c', 'd']) },
    ]),
  );
  updateDataset(evalDb, fakeId, { status: 'ready', imageCount: 50_000, identityCount: 5000 });
  const rule = (threshold: number) => ({
    hard: {
      any: [
        { attr: 'yaw', abs: true, op: '>=', value: threshold },
        {
          all: [
            { attr: 'resolution', op: '<=', value: 0.25 },
            { attr: 'race', op: 'in', value: ['a', 'b'] },
          ],
        },
        { measured: 'sharpness', op: '<', value: 20 },
      ],
    },
  });
  const cold = timed(() => evaluateSplit(evalDb, fakeId, rule(45)));
  const warm: number[] = [];
  for (let t = 30; t < 70; t += 4) warm.push(timed(() => evaluateSplit(evalDb, fakeId, rule(t))).seconds * 1000);
  warm.sort((a, b) => a - b);
  say(
    `Split rule on 50 000 images (3 conditions, nested, per-attribute counts + boundary): first ${(cold.seconds * 1000).toFixed(0)} ms (loads the columns), then median ${warm[warm.length >> 1]!.toFixed(1)} ms per threshold change.`,
  );
  results.splitEvaluation50k = {
    firstMs: cold.seconds * 1000,
    medianMs: warm[warm.length >> 1],
    hardImages: cold.value.hardImages,
  };
  evalDb.close();

  // 5. 50 000-image import.
  const estimate = bigCount / rate;
  if (values['no-big'] || estimate > 300) {
    say(
      `${bigCount}-image import: not run (${values['no-big'] ? '--no-big' : 'estimated over 5 minutes'}); at ${rate.toFixed(0)} images/s it would take ~${(estimate / 60).toFixed(1)} min (extrapolated from the run above).`,
    );
    results.bigImport = { images: bigCount, extrapolatedSeconds: estimate };
  } else {
    const bigRoot = join(dir, 'big');
    const sources = readdirSync(synthDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(synthDir, d.name)).map((f) => readFileSync(join(synthDir, d.name, f))));
    const perFolder = 20;
    for (let i = 0; i < bigCount; i++) {
      const folder = join(bigRoot, `p${String(Math.floor(i / perFolder)).padStart(5, '0')}`);
      if (i % perFolder === 0) mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `${i}.jpg`), withComment(sources[i % sources.length]!, `copy ${i}`));
    }
    const bigDb = openDatabase(join(dir, 'big-data', 'lab.sqlite'));
    let peakRss = 0;
    const big = await timedAsync(() =>
      importDataset({
        db: bigDb,
        root: bigRoot,
        inputSize: 112,
        concurrency,
        onProgress: (p) => {
          if (p.done % 500 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
        },
      }),
    );
    say(
      `${big.value.images}-image import (250×250 JPEG -> 112×112): ${big.seconds.toFixed(0)} s = ${(big.value.images / big.seconds).toFixed(0)} images/s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB, ${big.value.bad.length} bad.`,
    );
    results.bigImport = {
      images: big.value.images,
      seconds: big.seconds,
      imagesPerSecond: big.value.images / big.seconds,
      peakRssMiB: peakRss / 2 ** 20,
      cpuSeconds: big.cpuSeconds,
    };
    bigDb.close();
  }
  db.close();
  // Faces: detect + align + attributes, 1 and 2 wasm threads (bench/faces.bench.ts).
  results.faces = faceBenchRows(say);
  results.machine = { ...(results.machine as object), loadAverageAtEnd: loadavg().map((l) => +l.toFixed(2)) };
  say(JSON.stringify(results));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The same JPEG with a comment segment after SOI: identical pixels, different bytes (no duplicate). */
function withComment(jpeg: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'ascii');
  const segment = Buffer.alloc(4 + body.length);
  segment[0] = 0xff;
  segment[1] = 0xfe;
  segment.writeUInt16BE(body.length + 2, 2);
  body.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}
