import type { Page, Route } from '@playwright/test';
import { deflateSync } from 'node:zlib';
import { labApiMethods, type LabMethod } from '../app/api/contract/index.js';

// Synthetic lab answers for UI tests that must not depend on training speed (a 50 000-image
// grid, a long run's charts, a large failure gallery). Every answer is checked against the
// contract's result schema before it is sent, so the fake cannot drift from the real service.
// Methods without a fake go to the real server.

type Handler = (params: Record<string, unknown>) => unknown;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const gauss = (x: number, mean: number, sd: number) => Math.exp(-((x - mean) ** 2) / (2 * sd * sd));

/** A solid-colour PNG (valid, tiny) so thumbnails render without the core. */
function solidPng(size: number, rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3).map((_, i) => rgb[i % 3] as number)]);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- datasets: a large synthetic dataset ----

export function bigDataset(imageCount: number) {
  const identities = Math.ceil(imageCount / 10);
  const attributes = [
    { name: 'yaw', kind: 'numeric' as const, source: 'file' as const, min: -90, max: 90 },
    { name: 'resolution', kind: 'numeric' as const, source: 'file' as const, min: 0.125, max: 1 },
    { name: 'sharpness', kind: 'numeric' as const, source: 'measured' as const, min: 0, max: 900 },
  ];
  const summary = {
    id: 'big',
    name: `Fake ${imageCount.toLocaleString('en-US')} images`,
    kind: 'imagefolder' as const,
    root: '/fake/big',
    createdAt: '2030-01-01T00:00:00.000Z',
    status: 'ready' as const,
    error: null,
    imageCount,
    identityCount: identities,
    badFileCount: 2,
    attributes,
  };
  const image = (index: number) => {
    const random = mulberry32(index + 1);
    return {
      id: `img${index}`,
      datasetId: 'big',
      identity: `person${String(Math.floor(index / 10)).padStart(5, '0')}`,
      path: `person${Math.floor(index / 10)}/img${index}.jpg`,
      width: 112,
      height: 112,
      attributes: {
        yaw: Math.round((random() * 180 - 90) * 10) / 10,
        resolution: Math.round(random() * 1000) / 1000,
        sharpness: Math.round(random() * 900),
      },
    };
  };
  const handlers: Partial<Record<LabMethod, Handler>> = {
    'datasets.list': () => ({ datasets: [summary] }),
    'datasets.get': () => ({ ...summary, pairLists: [], badFileReasons: { truncated: 1, 'not an image': 1 } }),
    'datasets.images': (p) => {
      const offset = Number(p.offset ?? 0);
      const limit = Number(p.limit ?? 100);
      const items = [];
      for (let i = offset; i < Math.min(imageCount, offset + limit); i += 1) items.push(image(i));
      return { total: imageCount, offset, items };
    },
    'datasets.image': (p) => image(Number(String(p.imageId).slice(3))),
    'datasets.identities': (p) => {
      const offset = Number(p.offset ?? 0);
      const limit = Number(p.limit ?? 100);
      const items = [];
      for (let i = offset; i < Math.min(identities, offset + limit); i += 1)
        items.push({ identity: `person${String(i).padStart(5, '0')}`, imageCount: 10 });
      return { total: identities, offset, items };
    },
  };
  return handlers;
}

// ---- a long DDL run, its evaluations and failures ----

const bins = Array.from({ length: 100 }, (_, i) => i / 100 + 0.005);

function histogramRows(progress: number) {
  const studentShift = 0.18 * (1 - progress);
  const rows = bins.map((x) => ({
    x,
    teacherPositive: gauss(x, 0.72, 0.08),
    teacherNegative: gauss(x, 0.22, 0.07),
    studentPositive: gauss(x, 0.72 - studentShift - 0.06, 0.1),
    studentNegative: gauss(x, 0.22 + studentShift / 2 + 0.04, 0.08),
  }));
  const sums = { teacherPositive: 0, teacherNegative: 0, studentPositive: 0, studentNegative: 0 };
  for (const row of rows) for (const key of Object.keys(sums) as Array<keyof typeof sums>) sums[key] += row[key];
  return rows.map((row) => ({
    x: row.x,
    teacherPositive: row.teacherPositive / sums.teacherPositive,
    teacherNegative: row.teacherNegative / sums.teacherNegative,
    studentPositive: row.studentPositive / sums.studentPositive,
    studentNegative: row.studentNegative / sums.studentNegative,
  }));
}

function roc(quality: number) {
  const points = [];
  for (let e = -5; e <= 0; e += 0.1) {
    const far = 10 ** e;
    points.push({ far, tar: Math.min(1, Math.max(0, 1 - (1 - quality) * Math.pow(far, -0.22) * 0.35)) });
  }
  return points;
}

function metrics(quality: number) {
  return {
    pairs: 1200,
    genuine: 600,
    impostor: 600,
    accuracy: 0.7 + quality * 0.25,
    accuracySd: 0.02,
    auc: 0.8 + quality * 0.18,
    eer: 0.25 - quality * 0.2,
    tarAtFar: [
      { far: 0.1, tar: 0.6 + quality * 0.35 },
      { far: 0.01, tar: 0.4 + quality * 0.4 },
      { far: 0.001, tar: 0.2 + quality * 0.5 },
      { far: 1e-4, tar: null },
    ],
    meanGenuine: 0.6 + quality * 0.1,
    meanImpostor: 0.25,
    margin: 0.35 + quality * 0.1,
    overlap: 0.3 - quality * 0.2,
    dPrime: 1.5 + quality,
    roc: roc(quality),
    genuineHistogram: [
      { x0: 0, x1: 0.5, count: 100 },
      { x0: 0.5, x1: 1, count: 500 },
    ],
    impostorHistogram: [
      { x0: 0, x1: 0.5, count: 550 },
      { x0: 0.5, x1: 1, count: 50 },
    ],
  };
}

function evaluation(id: string, runId: string, quality: number, hardPenalty: number) {
  const types = {
    'easy-easy': metrics(quality),
    'easy-hard': metrics(quality - hardPenalty),
    'hard-hard': metrics(quality - hardPenalty * 1.6),
  };
  const gap = (metric: 'accuracy', to: 'easy-hard' | 'hard-hard') =>
    (types['easy-easy'][metric] ?? 0) - (types[to][metric] ?? 0);
  return {
    id,
    runId,
    datasetId: '1',
    pairListId: '1',
    status: 'completed' as const,
    createdAt: `2030-01-0${id}T00:00:00.000Z`,
    flipTest: false,
    accuracy: metrics(quality).accuracy,
    easyHardGap: gap('accuracy', 'easy-hard'),
    error: null,
    threshold: 0.41,
    overall: metrics(quality - hardPenalty / 2),
    byType: types,
    gaps: [
      { metric: 'accuracy', from: 'easy-easy' as const, to: 'easy-hard' as const, value: gap('accuracy', 'easy-hard') },
      { metric: 'accuracy', from: 'easy-easy' as const, to: 'hard-hard' as const, value: gap('accuracy', 'hard-hard') },
      { metric: 'margin', from: 'easy-easy' as const, to: 'easy-hard' as const, value: hardPenalty * 0.3 },
    ],
    identification: { rank1: 0.7, rank5: 0.9, probes: 100, gallery: 40 },
  };
}

export function trainedLab(options: { steps?: number } = {}) {
  const totalSteps = options.steps ?? 600;
  const runs = [
    { id: 'r1', name: 'baseline', stage: 1 as const, parentRunId: null, objective: 'classification' as const },
    { id: 'r2', name: 'ddl-finetune', stage: 2 as const, parentRunId: 'r1', objective: 'ddl' as const },
    { id: 'r3', name: 'cls-finetune', stage: 2 as const, parentRunId: 'r1', objective: 'classification' as const },
  ].map((run, i) => ({
    ...run,
    datasetId: '1',
    splitId: '1',
    status: 'completed' as const,
    backend: 'wasm',
    seed: 1,
    step: totalSteps,
    totalSteps,
    createdAt: `2030-01-0${i + 1}T00:00:00.000Z`,
    startedAt: `2030-01-0${i + 1}T00:00:01.000Z`,
    finishedAt: `2030-01-0${i + 1}T00:10:00.000Z`,
    error: null,
    lastLoss: 1.2 - i * 0.1,
    notes: '',
    tags: [] as string[],
  }));
  const config = (run: (typeof runs)[number]) =>
    run.stage === 1
      ? {
          datasetId: '1',
          splitId: '1',
          stage: 1,
          backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 128 },
          head: { type: 'arcface', s: 32, m: 0.5, tMomentum: 0.01 },
          batchSize: 64,
          steps: totalSteps,
          lr: 0.1,
          momentum: 0.9,
          weightDecay: 5e-4,
          clipGradNorm: 5,
          schedule: { kind: 'cosine', warmupSteps: 20, minLrFactor: 0 },
          seed: 1,
          flip: true,
          histogramEvery: 10,
          checkpointEvery: 100,
          keepCheckpoints: 2,
        }
      : {
          datasetId: '1',
          splitId: '1',
          stage: 2,
          parentRunId: 'r1',
          objective: run.objective,
          batchSize: 16,
          steps: totalSteps,
          lr: 0.001,
          momentum: 0.9,
          weightDecay: 5e-4,
          clipGradNorm: 5,
          schedule: { kind: 'step', warmupSteps: 0, milestones: [Math.floor(totalSteps / 2)], gamma: 0.1 },
          seed: 1,
          flip: true,
          histogramEvery: 10,
          checkpointEvery: 100,
          keepCheckpoints: 2,
        };
  const points = (runId: string) => {
    const random = mulberry32(runId.charCodeAt(1));
    const ddl = runId === 'r2';
    return Array.from({ length: totalSteps }, (_, step) => {
      const t = step / totalSteps;
      const noise = () => 1 + (random() - 0.5) * 0.3;
      const terms: Record<string, number> = ddl
        ? {
            clsEasy: (4 * Math.exp(-3 * t) + 0.6) * noise(),
            clsHard: (6 * Math.exp(-2.5 * t) + 1.1) * noise(),
            posKL: (0.9 * Math.exp(-4 * t) + 0.05) * noise(),
            negKL: (0.5 * Math.exp(-3 * t) + 0.04) * noise(),
            order: (-0.3 - 0.2 * t) * noise(),
          }
        : { cls: (8 * Math.exp(-3 * t) + 0.9) * noise() };
      terms.total = Object.values(terms).reduce((sum, value) => sum + value, 0);
      return {
        step,
        time: step * 0.8,
        lr: step < totalSteps / 2 ? 0.001 : 0.0001,
        imagesPerSecond: 180 * noise(),
        terms,
        extras: ddl
          ? {
              gradNorm: 2 * noise(),
              teacherPosMean: 0.7 + 0.02 * t,
              teacherNegMean: 0.22,
              studentPosMean: 0.5 + 0.15 * t,
              studentNegMean: 0.35 - 0.1 * t,
            }
          : { gradNorm: 3 * noise() },
      };
    });
  };
  const steps = Array.from({ length: Math.floor(totalSteps / 10) }, (_, i) => i * 10);
  const evaluations = [
    evaluation('1', 'r1', 0.55, 0.25),
    evaluation('2', 'r2', 0.68, 0.1),
    evaluation('3', 'r3', 0.62, 0.2),
  ];
  const failure = (index: number) => {
    const random = mulberry32(index + 7);
    const falseReject = index % 3 !== 2;
    const side = (k: number) => ({
      datasetId: '1',
      imageId: String(1 + ((index * 7 + k * 13) % 300)),
      identity: `id${String((index * 3 + k) % 40).padStart(5, '0')}`,
      path: `id/${index}-${k}.jpg`,
      attributes: {
        yaw: Math.round((random() * 180 - 90) * 10) / 10,
        abs_yaw: Math.round(random() * 900) / 10,
        resolution: Math.round(random() * 1000) / 1000,
        light: Math.round(random() * 100) / 100,
      },
    });
    return {
      id: `f${index}`,
      kind: falseReject ? ('false-reject' as const) : ('false-accept' as const),
      pairType: (['easy-hard', 'hard-hard', 'easy-easy'] as const)[index % 3] ?? null,
      score: falseReject ? 0.05 + index * 0.001 : 0.9 - index * 0.001,
      threshold: 0.41,
      a: side(0),
      b: side(1),
    };
  };
  const failureCount = 500;
  const dataset = {
    id: '1',
    name: 'SynthFaces pose (fake)',
    kind: 'synth' as const,
    root: '/fake/synth',
    createdAt: '2030-01-01T00:00:00.000Z',
    status: 'ready' as const,
    error: null,
    imageCount: 320,
    identityCount: 40,
    badFileCount: 0,
    attributes: [
      { name: 'yaw', kind: 'numeric' as const, source: 'file' as const, min: -90, max: 90 },
      { name: 'abs_yaw', kind: 'numeric' as const, source: 'file' as const, min: 0, max: 90 },
      { name: 'resolution', kind: 'numeric' as const, source: 'file' as const, min: 0.125, max: 1 },
      { name: 'light', kind: 'numeric' as const, source: 'file' as const, min: 0.2, max: 1.2 },
    ],
  };
  const benchmark = {
    id: '1',
    name: 'pairs.csv',
    pairCount: 1200,
    genuineCount: 600,
    impostorCount: 600,
    byType: { 'easy-easy': 400, 'easy-hard': 400, 'hard-hard': 400 },
    datasetId: '1',
    datasetName: dataset.name,
    folds: 10,
  };
  const handlers: Partial<Record<LabMethod, Handler>> = {
    'datasets.list': () => ({ datasets: [dataset] }),
    'datasets.get': () => ({
      ...dataset,
      pairLists: [
        {
          id: '1',
          name: 'pairs.csv',
          pairCount: 1200,
          genuineCount: 600,
          impostorCount: 600,
          byType: { 'easy-easy': 400, 'easy-hard': 400, 'hard-hard': 400 },
        },
      ],
      badFileReasons: {},
    }),
    'datasets.image': (p) => ({
      id: String(p.imageId),
      datasetId: '1',
      identity: 'id00001',
      path: `id00001/${String(p.imageId)}.jpg`,
      width: 64,
      height: 64,
      attributes: { yaw: 12, abs_yaw: 12, resolution: 1, light: 0.9, sharpness: 400 },
    }),
    'runs.list': () => ({ runs }),
    'runs.get': (p) => {
      const run = runs.find((r) => r.id === p.runId) ?? runs[0];
      return {
        ...run,
        config: config(run as (typeof runs)[number]),
        checkpoints: [{ step: totalSteps, createdAt: '2030-01-01T00:10:00.000Z' }],
        logFile: null,
        evaluationIds: evaluations.filter((e) => e.runId === run?.id).map((e) => e.id),
        codeVersion: '0.0.0-fake',
      };
    },
    'runs.tags': () => ({ tags: [] }),
    'evaluations.benchmarks': () => ({ benchmarks: [benchmark] }),
    'evaluations.table': () => ({
      benchmarks: [benchmark],
      cells: evaluations.map((e) => ({
        runId: e.runId,
        pairListId: '1',
        evaluationId: e.id,
        checkpointStep: totalSteps,
        createdAt: e.createdAt,
        accuracy: e.overall.accuracy,
        accuracySd: e.overall.accuracySd,
        auc: e.overall.auc,
        eer: e.overall.eer,
        tarAtFar: e.overall.tarAtFar,
        easyHardGap: e.easyHardGap,
      })),
    }),
    'runs.compare': (p) => {
      const ids = p.runIds as string[];
      const chosen = ids.map((id) => evaluations.find((e) => e.runId === id));
      const base = ids.indexOf((p.baselineRunId as string | undefined) ?? ids[0]!);
      const values = chosen.map((e) => e?.overall.accuracy ?? null);
      return {
        baselineRunId: ids[base]!,
        runs: ids.map((id) => ({ id, name: runs.find((r) => r.id === id)?.name ?? id })),
        lines: [
          {
            pairListId: '1',
            benchmark: 'SynthFaces pose (fake) / pairs.csv',
            metric: 'accuracy',
            values,
            deltas: values.map((v) => (v === null || values[base] == null ? null : v - values[base]!)),
          },
        ],
      };
    },
    'runs.metrics': (p) => {
      const since = Number(p.sinceStep ?? -1);
      const all = points(String(p.runId)).filter((point) => point.step > since);
      return {
        runId: p.runId,
        points: all,
        lastStep: all.length ? (all[all.length - 1] as { step: number }).step : since,
      };
    },
    'runs.histograms': (p) => {
      const step = p.step === undefined ? (steps[steps.length - 1] as number) : Number(p.step);
      const progress = p.runId === 'r2' ? step / totalSteps : 0.1;
      const rows = histogramRows(progress);
      const expectation = (key: 'teacherPositive' | 'teacherNegative' | 'studentPositive' | 'studentNegative') =>
        rows.reduce((sum, row) => sum + row.x * row[key], 0);
      return {
        runId: p.runId,
        step,
        availableSteps: steps,
        rows,
        expectations: {
          teacherPositive: expectation('teacherPositive'),
          teacherNegative: expectation('teacherNegative'),
          studentPositive: expectation('studentPositive'),
          studentNegative: expectation('studentNegative'),
        },
        counts: { teacherPositive: 16, teacherNegative: 16, studentPositive: 16, studentNegative: 16 },
      };
    },
    'evaluations.list': () => ({
      evaluations: evaluations.map(
        ({ threshold: _t, overall: _o, byType: _b, gaps: _g, identification: _i, ...summary }) => summary,
      ),
    }),
    'evaluations.get': (p) => evaluations.find((e) => e.id === p.evaluationId) ?? evaluations[0],
    'evaluations.compare': (p) => {
      const a = evaluations.find((e) => e.id === p.a) ?? evaluations[0];
      const b = evaluations.find((e) => e.id === p.b) ?? evaluations[1];
      return {
        a,
        b,
        rows: [
          {
            metric: 'accuracy',
            pairType: 'overall',
            a: a?.accuracy ?? null,
            b: b?.accuracy ?? null,
            delta: (b?.accuracy ?? 0) - (a?.accuracy ?? 0),
          },
        ],
      };
    },
    'evaluations.failures': (p) => {
      const offset = Number(p.offset ?? 0);
      const limit = Number(p.limit ?? 100);
      const kind = String(p.kind ?? 'all');
      const all = Array.from({ length: failureCount }, (_, i) => failure(i)).filter(
        (f) => (kind === 'all' || f.kind === kind) && (!p.pairType || f.pairType === p.pairType),
      );
      return { total: all.length, offset, items: all.slice(offset, offset + limit) };
    },
  };
  return handlers;
}

/** Routes the given methods (and, optionally, media) to the fake; everything else reaches the real server. */
export async function installFakeLab(
  page: Page,
  handlers: Partial<Record<LabMethod, Handler>>,
  options: { fakeMedia?: boolean } = {},
): Promise<void> {
  await page.route('**/api/*', async (route: Route) => {
    const method = new URL(route.request().url()).pathname.replace(/^\/api\//, '') as LabMethod;
    const handler = handlers[method];
    if (!handler) return route.continue();
    const params = labApiMethods[method].params.parse(JSON.parse(route.request().postData() ?? '{}')) as Record<
      string,
      unknown
    >;
    const result = labApiMethods[method].result.parse(handler(params));
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: true, result }) });
  });
  if (options.fakeMedia) {
    await page.route('**/media/**', async (route: Route) => {
      const id = new URL(route.request().url()).pathname.split('/').pop() ?? '0';
      const hue = [...id].reduce((sum, ch) => sum + ch.charCodeAt(0), 0);
      return route.fulfill({
        status: 200,
        contentType: 'image/png',
        body: solidPng(8, [80 + ((hue * 37) % 150), 90 + ((hue * 53) % 130), 100 + ((hue * 71) % 120)]),
      });
    });
  }
}
