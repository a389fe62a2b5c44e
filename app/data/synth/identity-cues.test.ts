// The point of the presets: large yaw and low resolution genuinely hide identity. A simple
// pixel-space matcher (pixel-matcher.ts) must tell people apart on easy-easy pairs and do clearly
// worse on easy-hard pairs. All pairs of a small generated set are scored, per pair type.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSynthFaces } from './generate.js';
import { cosine, pixelFeatures, rocAuc } from './pixel-matcher.js';
import { type PresetName } from './presets.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ddl-synth-cues-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function aucByPairType(preset: PresetName): Promise<Record<'easy-easy' | 'easy-hard', number>> {
  const dir = join(root, preset);
  await generateSynthFaces({ outDir: dir, preset, identities: 32, perIdentity: 6, size: 48, seed: 11 });
  const rows = readFileSync(join(dir, 'attributes.csv'), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  const images = await Promise.all(
    rows.map(async (cells) => ({
      identity: cells[0]!.split('/')[0]!,
      hard: cells[cells.length - 1] === '1',
      features: await pixelFeatures(join(dir, cells[0]!)),
    })),
  );
  const scores = {
    'easy-easy': { genuine: [] as number[], impostor: [] as number[] },
    'easy-hard': { genuine: [] as number[], impostor: [] as number[] },
  };
  for (let a = 0; a < images.length; a++) {
    for (let b = a + 1; b < images.length; b++) {
      const x = images[a]!,
        y = images[b]!;
      if (x.hard && y.hard) continue;
      const bucket = scores[x.hard || y.hard ? 'easy-hard' : 'easy-easy'];
      (x.identity === y.identity ? bucket.genuine : bucket.impostor).push(cosine(x.features, y.features));
    }
  }
  return {
    'easy-easy': rocAuc(scores['easy-easy'].genuine, scores['easy-easy'].impostor),
    'easy-hard': rocAuc(scores['easy-hard'].genuine, scores['easy-hard'].impostor),
  };
}

describe('SynthFaces hard images hide identity from a pixel-space nearest-neighbour matcher', () => {
  it('rocAuc is the Mann-Whitney statistic', () => {
    expect(rocAuc([3, 4], [1, 2])).toBe(1);
    expect(rocAuc([1, 2], [3, 4])).toBe(0);
    expect(rocAuc([2, 2], [2, 2])).toBe(0.5);
    expect(rocAuc([1, 3], [2])).toBe(0.5);
  });

  it.each(['pose', 'resolution'] as const)(
    '%s: easy-easy well above chance, easy-hard AUC at least 0.1 lower',
    async (preset) => {
      const auc = await aucByPairType(preset);
      expect(auc['easy-easy']).toBeGreaterThan(0.8);
      expect(auc['easy-easy'] - auc['easy-hard']).toBeGreaterThanOrEqual(0.1);
    },
    60_000,
  );
});
