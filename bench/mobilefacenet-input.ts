// `npx tsx bench/mobilefacenet-input.ts [--synth-identities 40 --synth-per-identity 5] [--sets real,synth] [--crops aligned,loose]`
// Measures (never tests) how well the pretrained MobileFaceNet tells people apart under candidate
// input conventions, to find the one it was trained with: pixel range ([−1, 1], [0, 1], [0, 255]),
// channel order (RGB, BGR) and crop (the lab's ArcFace-template alignment, or a looser box crop as
// @vladmandic/human feeds it). Two sets of faces:
//  - real: every face BlazeFace finds in the six group photos of @vladmandic/face-api/demo, aligned
//    by the lab (app/faces), each in five views (as is, mirrored, landmarks jittered by ±3 px,
//    darker with less contrast, blurred); same = two views of one face, different = two faces;
//  - SynthFaces pose at 112 px (the demo's data): same = two images of one identity.
// For each: ROC AUC and best accuracy of the raw cosine (what Human's Euclidean distance on the
// graph's unit embeddings ranks by) and of the centred cosine (unit embeddings minus the mean of
// the *other* set's unit embeddings, so nothing is fitted on the faces being scored; with one set,
// its own). Results and what they mean: app/models/zoo/README.md.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import {
  arcfaceTemplate,
  fitSimilarity,
  invertSimilarity,
  warpAffineRgb,
  type FivePoints,
  type RgbImage,
} from '../app/data/face-align.js';
import { generateSynthFaces } from '../app/data/synth/index.js';
import { initBackend } from '../app/engine/backend.js';
import { FaceFinder } from '../app/faces/index.js';
import { fsGraphModel, packageFile, pretrainedGraphPath } from '../app/models/zoo/index.js';
import { Random } from '../app/util/random.js';

const { values } = parseArgs({
  options: {
    'synth-identities': { type: 'string', default: '40' },
    'synth-per-identity': { type: 'string', default: '5' },
    /** Only these sets / crops (comma lists), to rerun a part. */
    sets: { type: 'string', default: 'real,synth' },
    crops: { type: 'string', default: 'aligned,loose' },
  },
});

interface FaceSet {
  name: string;
  /** 112×112 RGB crops, per crop kind. */
  crops: Record<CropKind, Uint8Array[]>;
  /** Who each crop is (same label = same identity). */
  labels: number[];
}
type CropKind = 'aligned' | 'loose';

const side = 112;

/** The ArcFace template shrunk about the centre: the face fills less of the crop, like a detector box. */
function looseTemplate(scale: number): FivePoints {
  return arcfaceTemplate(side).map((p) => ({
    x: side / 2 + (p.x - side / 2) * scale,
    y: side / 2 + (p.y - side / 2) * scale,
  })) as FivePoints;
}

function warp(image: RgbImage, points: FivePoints, template: FivePoints): Uint8Array {
  return warpAffineRgb(image, invertSimilarity(fitSimilarity(points, template)), side, side);
}

function mirror(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++)
      for (let c = 0; c < 3; c++) out[(y * side + x) * 3 + c] = rgb[(y * side + (side - 1 - x)) * 3 + c]!;
  return out;
}

function darker(rgb: Uint8Array): Uint8Array {
  return rgb.map((v) => Math.max(0, Math.min(255, Math.round(0.6 * (v - 128) + 100))));
}

async function blurred(rgb: Uint8Array): Promise<Uint8Array> {
  const raw = { raw: { width: side, height: side, channels: 3 as const } };
  const small = await sharp(Buffer.from(rgb), raw).resize(40, 40).raw().toBuffer();
  return new Uint8Array(
    await sharp(small, { raw: { width: 40, height: 40, channels: 3 } })
      .resize(side, side)
      .raw()
      .toBuffer(),
  );
}

async function realFaces(): Promise<FaceSet> {
  const finder = await FaceFinder.load();
  const random = new Random(5);
  const set: FaceSet = { name: 'face-api demo photos', crops: { aligned: [], loose: [] }, labels: [] };
  let person = 0;
  for (let i = 1; i <= 6; i++) {
    const file = packageFile('@vladmandic/face-api', join('demo', `sample${i}.jpg`));
    const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const image = { rgb: new Uint8Array(data), width: info.width, height: info.height };
    const { faces } = await finder.find(image, { all: true });
    for (const face of faces) {
      const jittered = face.points.map((p) => ({
        x: p.x + (random.next() * 2 - 1) * 3,
        y: p.y + (random.next() * 2 - 1) * 3,
      })) as FivePoints;
      for (const kind of values.crops.split(',') as CropKind[]) {
        const template = kind === 'aligned' ? arcfaceTemplate(side) : looseTemplate(0.7);
        const base = warp(image, face.points, template);
        set.crops[kind].push(base, mirror(base), warp(image, jittered, template), darker(base), await blurred(base));
      }
      for (let v = 0; v < 5; v++) set.labels.push(person);
      person++;
    }
  }
  finder.dispose();
  set.name += ` (${person} faces × 5 views)`;
  return set;
}

async function synthFaces(): Promise<FaceSet> {
  const dir = mkdtempSync(join(tmpdir(), 'ddl-mfn-input-'));
  try {
    const identities = Number(values['synth-identities']);
    const perIdentity = Number(values['synth-per-identity']);
    await generateSynthFaces({ outDir: dir, preset: 'pose', identities, perIdentity, size: side, seed: 77 });
    const [, ...lines] = readFileSync(join(dir, 'attributes.csv'), 'utf8').trim().split('\n');
    const set: FaceSet = {
      name: `SynthFaces pose 112 px (${identities} identities × ${perIdentity})`,
      crops: { aligned: [], loose: [] },
      labels: [],
    };
    for (const line of lines) {
      const path = line.split(',')[0]!;
      const rgb = new Uint8Array(await sharp(join(dir, path)).removeAlpha().raw().toBuffer());
      // Rendered centred (the demo feeds them as they are); "loose" shrinks them into more margin.
      set.crops.aligned.push(rgb);
      const image = { rgb, width: side, height: side };
      set.crops.loose.push(warp(image, arcfaceTemplate(side), looseTemplate(0.7)));
      set.labels.push(Number(path.slice(2, 7)));
    }
    return set;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Convention {
  name: string;
  channels: 'rgb' | 'bgr';
  /** value = byte * scale + offset */
  scale: number;
  offset: number;
}
const conventions: Convention[] = [
  { name: 'RGB [−1, 1] (lab)', channels: 'rgb', scale: 1 / 127.5, offset: -1 },
  { name: 'BGR [−1, 1]', channels: 'bgr', scale: 1 / 127.5, offset: -1 },
  { name: 'RGB [0, 1] (human)', channels: 'rgb', scale: 1 / 255, offset: 0 },
  { name: 'BGR [0, 1]', channels: 'bgr', scale: 1 / 255, offset: 0 },
  { name: 'RGB [0, 255]', channels: 'rgb', scale: 1, offset: 0 },
  { name: 'BGR [0, 255]', channels: 'bgr', scale: 1, offset: 0 },
  { name: 'RGB [−127.5, 127.5]', channels: 'rgb', scale: 1, offset: -127.5 },
  { name: 'RGB [−2, 2]', channels: 'rgb', scale: 2 / 127.5, offset: -2 },
];

/** Unit embeddings [n, 192] of the graph model (its own L2 normalisation). */
function embed(model: tf.GraphModel, crops: Uint8Array[], c: Convention): Float32Array {
  const out = new Float32Array(crops.length * 192);
  for (let start = 0; start < crops.length; start += 32) {
    const batch = crops.slice(start, start + 32);
    const e = tf.tidy(() => {
      let x = tf.tensor4d(Float32Array.from(batch.flatMap((b) => Array.from(b))), [batch.length, side, side, 3]);
      if (c.channels === 'bgr') x = tf.reverse(x, 3);
      return model.predict(x.mul(c.scale).add(c.offset)) as tf.Tensor2D;
    });
    out.set(e.dataSync(), start * 192);
    e.dispose();
  }
  return out;
}

function meanRow(e: Float32Array): Float32Array {
  const n = e.length / 192;
  const m = new Float32Array(192);
  for (let i = 0; i < n; i++) for (let d = 0; d < 192; d++) m[d]! += e[i * 192 + d]! / n;
  return m;
}

function cosine(e: Float32Array, i: number, j: number, centre?: Float32Array): number {
  let dot = 0;
  let a = 0;
  let b = 0;
  for (let d = 0; d < 192; d++) {
    const x = e[i * 192 + d]! - (centre?.[d] ?? 0);
    const y = e[j * 192 + d]! - (centre?.[d] ?? 0);
    dot += x * y;
    a += x * x;
    b += y * y;
  }
  return dot / Math.sqrt(a * b);
}

/** AUC (Mann–Whitney), best threshold accuracy, mean genuine and impostor scores. */
function separation(scores: { s: number; same: boolean }[]) {
  const sorted = [...scores].sort((p, q) => p.s - q.s);
  const genuine = sorted.filter((p) => p.same).length;
  const impostor = sorted.length - genuine;
  let rankSum = 0;
  sorted.forEach((p, r) => {
    if (p.same) rankSum += r + 1;
  });
  const auc = (rankSum - (genuine * (genuine + 1)) / 2) / (genuine * impostor);
  // Balanced accuracy at the best threshold (the classes are very unequal in size).
  let below = { genuine: 0, impostor: 0 };
  let best = 0.5;
  for (const p of sorted) {
    below = p.same ? { ...below, genuine: below.genuine + 1 } : { ...below, impostor: below.impostor + 1 };
    best = Math.max(best, (below.impostor / impostor + (genuine - below.genuine) / genuine) / 2);
  }
  const mean = (same: boolean) => sorted.filter((p) => p.same === same).reduce((s, p) => s + p.s, 0);
  return { auc, accuracy: best, genuine: mean(true) / genuine, impostor: mean(false) / impostor };
}

function pairScores(e: Float32Array, labels: number[], centre?: Float32Array) {
  const scores: { s: number; same: boolean }[] = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      scores.push({ s: cosine(e, i, j, centre), same: labels[i] === labels[j] });
  return scores;
}

await initBackend({ preferred: 'wasm' });
const model = await tf.loadGraphModel(fsGraphModel(pretrainedGraphPath('mobilefacenet')));
const wanted = values.sets.split(',');
const sets = [
  ...(wanted.includes('real') ? [await realFaces()] : []),
  ...(wanted.includes('synth') ? [await synthFaces()] : []),
];
const fmt = (x: number) => x.toFixed(3);
process.stdout.write(
  '| faces | crop | input | raw AUC | raw acc | raw genuine / impostor | centred AUC | centred acc | centred genuine / impostor |\n|---|---|---|---|---|---|---|---|---|\n',
);
for (const kind of values.crops.split(',') as CropKind[]) {
  for (const c of conventions) {
    const embeddings = sets.map((s) => embed(model, s.crops[kind], c));
    sets.forEach((set, k) => {
      const e = embeddings[k]!;
      const raw = separation(pairScores(e, set.labels));
      // Centred on the other set's mean (on its own when it is the only set).
      const centred = separation(pairScores(e, set.labels, meanRow(embeddings[sets.length - 1 - k]!)));
      process.stdout.write(
        `| ${set.name} | ${kind} | ${c.name} | ${fmt(raw.auc)} | ${fmt(raw.accuracy)} | ${fmt(raw.genuine)} / ${fmt(raw.impostor)} | ${fmt(centred.auc)} | ${fmt(centred.accuracy)} | ${fmt(centred.genuine)} / ${fmt(centred.impostor)} |\n`,
      );
    });
  }
}
model.dispose();
