// `npx tsx bench/faces-synth.ts [--identities 40 --per-identity 5 --size 250 --preset pose]`
// Measures (never tests) how the face finder sees SynthFaces: how many rendered faces BlazeFace
// finds, and how the estimated yaw follows the generator's ground-truth yaw (Pearson r, mean
// absolute error, fitted slope). Both conventions: positive yaw turns the face towards the image's right.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { generateSynthFaces } from '../app/data/synth/index.js';
import { FaceFinder } from '../app/faces/index.js';

const { values } = parseArgs({
  options: {
    identities: { type: 'string', default: '40' },
    'per-identity': { type: 'string', default: '5' },
    size: { type: 'string', default: '250' },
    preset: { type: 'string', default: 'pose' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'ddl-faces-synth-'));
try {
  await generateSynthFaces({
    outDir: dir,
    preset: values.preset as 'pose',
    identities: Number(values.identities),
    perIdentity: Number(values['per-identity']),
    size: Number(values.size),
    seed: 11,
  });
  const [header, ...lines] = readFileSync(join(dir, 'attributes.csv'), 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const at = (name: string) => columns.indexOf(name);
  const finder = await FaceFinder.load();
  const truth: number[] = [];
  const estimate: number[] = [];
  let found = 0;
  const scores: number[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    const { data, info } = await sharp(join(dir, cells[0]!)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const result = await finder.find({ rgb: data, width: info.width, height: info.height }, { all: false });
    scores.push(result.bestScore);
    const face = result.faces[0];
    if (!face) continue;
    found++;
    truth.push(Number(cells[at('yaw')]!));
    estimate.push(face.yaw);
  }
  const n = truth.length;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const mt = mean(truth);
  const me = mean(estimate);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (truth[i]! - mt) * (estimate[i]! - me);
    sxx += (truth[i]! - mt) ** 2;
    syy += (estimate[i]! - me) ** 2;
  }
  const r = sxy / Math.sqrt(sxx * syy);
  const mae = mean(truth.map((t, i) => Math.abs(t - estimate[i]!)));
  process.stdout.write(
    `SynthFaces ${values.preset} ${values.size}px: face found in ${found}/${lines.length} images (median best score ${scores.sort((a, b) => a - b)[Math.floor(scores.length / 2)]!.toFixed(2)}); ` +
      `estimated vs ground-truth yaw over ${n} faces: Pearson r = ${r.toFixed(3)}, slope ${(sxy / sxx).toFixed(2)}, mean |error| ${mae.toFixed(1)}°, ground truth ${Math.min(...truth).toFixed(0)}..${Math.max(...truth).toFixed(0)}°.\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
