import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IssueLog } from '../issue-log.js';
import { readAttributesCsv } from '../attributes-csv.js';
import { readPairsFile } from '../pairs-file.js';
import { parseSplitDefinition } from '../split-rule.js';
import {
  type SynthManifest,
  SynthOptionsError,
  attributesHeader,
  generateSynthFaces,
  getPreset,
  isHard,
  pairsHeader,
} from './index.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ddl-synth-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

interface AttributeRow {
  path: string;
  values: Record<string, number>;
}

function readAttributes(dir: string): AttributeRow[] {
  const [header, ...lines] = readFileSync(join(dir, 'attributes.csv'), 'utf8').trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return { path: cells[0]!, values: Object.fromEntries(names.slice(1).map((n, i) => [n, Number(cells[i + 1])])) };
  });
}

function readPairs(dir: string): { path1: string; path2: string; same: string; type: string }[] {
  const [, ...lines] = readFileSync(join(dir, 'pairs.csv'), 'utf8').trimEnd().split('\n');
  return lines.map((line) => {
    const [path1, path2, same, type] = line.split(',');
    return { path1: path1!, path2: path2!, same: same!, type: type! };
  });
}

/** Every file under dir, relative path -> bytes. */
function snapshot(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of snapshot(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel)));
  }
  return out;
}

describe('generateSynthFaces (pose, 12 identities x 6 images, 48 px)', () => {
  let dir: string;
  let manifest: SynthManifest;
  const progress: number[] = [];
  beforeAll(async () => {
    dir = join(root, 'pose');
    manifest = await generateSynthFaces({
      outDir: dir,
      preset: 'pose',
      identities: 12,
      perIdentity: 6,
      size: 48,
      seed: 7,
      onProgress: (done) => progress.push(done),
    });
  }, 60_000);

  it('writes an ImageFolder with one folder per identity and the requested number of images', () => {
    const folders = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(folders).toEqual(Array.from({ length: 12 }, (_, k) => `id${String(k).padStart(5, '0')}`));
    for (const folder of folders) {
      expect(readdirSync(join(dir, folder)).sort()).toEqual(
        Array.from({ length: 6 }, (_, j) => `${folder}_${String(j).padStart(3, '0')}.jpg`),
      );
    }
    expect(
      readdirSync(dir)
        .filter((f) => !f.startsWith('id'))
        .sort(),
    ).toEqual(['attributes.csv', 'pairs.csv', 'split-rule.json', 'synthfaces.json']);
    expect(progress).toHaveLength(72);
    expect(progress[progress.length - 1]).toBe(72);
  });

  it('decodes every image with sharp as a size x size JPEG', async () => {
    for (const row of readAttributes(dir)) {
      const meta = await sharp(join(dir, row.path)).metadata();
      expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['jpeg', 48, 48, 3]);
    }
  });

  it('writes attributes.csv with one row per image, ground truth in range and the hard flag of the rule', () => {
    const header = readFileSync(join(dir, 'attributes.csv'), 'utf8').split('\n')[0];
    expect(header).toBe(attributesHeader);
    expect(header).toBe('path,yaw,pitch,roll,abs_yaw,resolution,light,light_angle,light_gradient,noise,hard');
    const rows = readAttributes(dir);
    expect(rows).toHaveLength(72);
    const rule = getPreset('pose').rule;
    for (const { path, values: a } of rows) {
      expect(existsSync(join(dir, path))).toBe(true);
      expect(a.abs_yaw).toBe(Math.abs(a.yaw!));
      expect(a.yaw).toBeGreaterThanOrEqual(-90);
      expect(a.yaw).toBeLessThanOrEqual(90);
      expect(Math.abs(a.pitch!)).toBeLessThanOrEqual(10);
      expect(Math.abs(a.roll!)).toBeLessThanOrEqual(5);
      expect(a.resolution).toBeGreaterThanOrEqual(0.5);
      expect(a.resolution).toBeLessThanOrEqual(1);
      expect(a.light).toBeGreaterThanOrEqual(0.8);
      expect(a.light).toBeLessThanOrEqual(1.15);
      expect(a.noise).toBeGreaterThanOrEqual(0);
      expect(a.noise).toBeLessThanOrEqual(4);
      expect(a.hard).toBe(isHard(rule, a) ? 1 : 0);
      expect(a.hard).toBe(a.abs_yaw! >= 45 ? 1 : 0);
    }
  });

  it('gives every identity at least 2 easy and 1 hard image, so all are usable for DDL', () => {
    const perIdentity = new Map<string, { easy: number; hard: number }>();
    for (const { path, values } of readAttributes(dir)) {
      const id = path.split('/')[0]!;
      const c = perIdentity.get(id) ?? { easy: 0, hard: 0 };
      if (values.hard) c.hard += 1;
      else c.easy += 1;
      perIdentity.set(id, c);
    }
    expect(perIdentity.size).toBe(12);
    for (const c of perIdentity.values()) {
      expect(c.easy).toBeGreaterThanOrEqual(2);
      expect(c.hard).toBeGreaterThanOrEqual(1);
    }
    expect(manifest.identitiesUsableForDdl).toBe(12);
  });

  it('writes pairs.csv with balanced genuine and impostor pairs per type, each typed by its images', () => {
    expect(readFileSync(join(dir, 'pairs.csv'), 'utf8').split('\n')[0]).toBe(pairsHeader);
    const hard = new Map(readAttributes(dir).map((r) => [r.path, r.values.hard === 1]));
    const pairs = readPairs(dir);
    const seen = new Set<string>();
    for (const p of pairs) {
      expect(hard.has(p.path1) && hard.has(p.path2)).toBe(true);
      expect(p.path1).not.toBe(p.path2);
      const same = p.path1.split('/')[0] === p.path2.split('/')[0];
      expect(p.same).toBe(same ? '1' : '0');
      const sides = [hard.get(p.path1), hard.get(p.path2)];
      expect(p.type).toBe(sides[0] && sides[1] ? 'hard-hard' : !sides[0] && !sides[1] ? 'easy-easy' : 'easy-hard');
      if (p.type === 'easy-hard') expect(sides).toEqual([false, true]);
      const key = [p.path1, p.path2].sort().join('|');
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    for (const type of ['easy-easy', 'easy-hard', 'hard-hard'] as const) {
      const genuine = pairs.filter((p) => p.type === type && p.same === '1').length;
      const impostor = pairs.filter((p) => p.type === type && p.same === '0').length;
      expect(genuine).toBe(impostor);
      expect(genuine).toBeGreaterThan(0);
      expect(manifest.pairs[type]).toEqual({ genuine, impostor });
    }
  });

  it('writes a manifest and split rule that match the files', () => {
    const onDisk = JSON.parse(readFileSync(join(dir, 'synthfaces.json'), 'utf8'));
    expect(onDisk).toEqual(manifest);
    expect(manifest).toMatchObject({
      format: 'synthfaces',
      complete: true,
      preset: 'pose',
      seed: 7,
      identities: 12,
      perIdentity: 6,
      size: 48,
      images: 72,
    });
    const rows = readAttributes(dir);
    expect(manifest.hard).toBe(rows.filter((r) => r.values.hard === 1).length);
    expect(manifest.easy + manifest.hard).toBe(72);
    expect(JSON.parse(readFileSync(join(dir, 'split-rule.json'), 'utf8'))).toEqual({
      any: [{ attribute: 'abs_yaw', op: '>=', value: 45 }],
    });
    expect(manifest.hardRule).toEqual(getPreset('pose').rule);
  });

  it('is read without a single issue by the dataset readers and split-rule parser', async () => {
    const attributeIssues = new IssueLog('attributes', join(dir, 'attributes.csv'));
    let rows = 0;
    const { columns } = await readAttributesCsv(join(dir, 'attributes.csv'), {
      issues: attributeIssues,
      onRow: () => {
        rows += 1;
      },
    });
    expect(rows).toBe(72);
    expect(columns.map((c) => c.name)).toEqual([
      'yaw',
      'pitch',
      'roll',
      'abs_yaw',
      'resolution',
      'light',
      'light_angle',
      'light_gradient',
      'noise',
      'hard',
    ]);
    expect(attributeIssues.finish()).toEqual([]);
    const pairIssues = new IssueLog('pairs', join(dir, 'pairs.csv'));
    const types: (string | null)[] = [];
    await readPairsFile(join(dir, 'pairs.csv'), { issues: pairIssues, onPair: (p) => types.push(p.type) });
    expect(pairIssues.finish()).toEqual([]);
    expect(types).toHaveLength(readPairs(dir).length);
    expect(new Set(types)).toEqual(new Set(['easy-easy', 'easy-hard', 'hard-hard']));
    const split = parseSplitDefinition(JSON.parse(readFileSync(join(dir, 'split-rule.json'), 'utf8')));
    expect(split.hard).toEqual({
      combine: 'or',
      conditions: [{ kind: 'attribute', attribute: 'abs_yaw', op: '>=', value: 45 }],
    });
  });
});

describe('generateSynthFaces determinism', () => {
  const small = { preset: 'mixed' as const, identities: 6, perIdentity: 5, size: 32 };

  it('writes byte-identical files for the same seed and different images for another seed', async () => {
    await generateSynthFaces({ ...small, outDir: join(root, 'same-a'), seed: 42 });
    await generateSynthFaces({ ...small, outDir: join(root, 'same-b'), seed: 42 });
    await generateSynthFaces({ ...small, outDir: join(root, 'other'), seed: 43 });
    const a = snapshot(join(root, 'same-a')),
      b = snapshot(join(root, 'same-b')),
      c = snapshot(join(root, 'other'));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect(a.size).toBe(6 * 5 + 4);
    for (const [file, bytes] of a) expect(bytes.equals(b.get(file)!), file).toBe(true);
    const images = [...a.keys()].filter((f) => f.endsWith('.jpg'));
    expect(images.filter((f) => !a.get(f)!.equals(c.get(f)!))).toHaveLength(images.length);
    expect(a.get('attributes.csv')!.equals(c.get('attributes.csv')!)).toBe(false);
  }, 60_000);
});

describe('presets', () => {
  it('resolution: hard exactly when captured at 1/8 to 1/4 of the size, pose held nearly still', async () => {
    const dir = join(root, 'resolution');
    const manifest = await generateSynthFaces({
      outDir: dir,
      preset: 'resolution',
      identities: 8,
      perIdentity: 5,
      size: 48,
      seed: 3,
    });
    for (const { values: a } of readAttributes(dir)) {
      expect(a.hard).toBe(a.resolution! <= 0.25 ? 1 : 0);
      expect(a.resolution).toBeGreaterThanOrEqual(0.125);
      expect(Math.abs(a.resolution! * 48 - Math.round(a.resolution! * 48))).toBeLessThan(0.01); // whole captured pixels
      if (!a.hard) expect(a.resolution).toBeGreaterThanOrEqual(0.32);
      expect(a.abs_yaw).toBeLessThanOrEqual(12);
    }
    expect(manifest.hardRule).toEqual({ any: [{ attribute: 'resolution', op: '<=', value: 0.25 }] });
  }, 60_000);

  it('mixed: hard images are turned, low resolution or dark; easy ones are none of these', async () => {
    const dir = join(root, 'mixed');
    await generateSynthFaces({ outDir: dir, preset: 'mixed', identities: 10, perIdentity: 6, size: 32, seed: 5 });
    const rows = readAttributes(dir);
    for (const { values: a } of rows) {
      const reasons = [a.abs_yaw! >= 45, a.resolution! <= 0.25, a.light! <= 0.45];
      expect(a.hard).toBe(reasons.some(Boolean) ? 1 : 0);
      expect(a.light).toBeGreaterThanOrEqual(0.22);
    }
    const kinds = (test: (a: Record<string, number>) => boolean) =>
      rows.filter((r) => r.values.hard === 1 && test(r.values)).length;
    expect(kinds((a) => a.abs_yaw! >= 45)).toBeGreaterThan(0);
    expect(kinds((a) => a.resolution! <= 0.25)).toBeGreaterThan(0);
    expect(kinds((a) => a.light! <= 0.45)).toBeGreaterThan(0);
  }, 60_000);
});

describe('generateSynthFaces input and output folder checks', () => {
  it('rejects bad options with one readable message naming each problem, writing nothing', async () => {
    const outDir = join(root, 'bad-options');
    const attempt = generateSynthFaces({
      outDir,
      preset: 'fancy' as 'pose',
      identities: 1,
      perIdentity: 2.5,
      size: 8,
      seed: -1,
    });
    await expect(attempt).rejects.toBeInstanceOf(SynthOptionsError);
    await expect(attempt).rejects.toThrow(/preset must be one of pose, resolution, mixed; got "fancy"/);
    await expect(attempt).rejects.toThrow(/identities must be a whole number from 2 to 100000 .*got 1/);
    await expect(attempt).rejects.toThrow(/perIdentity must be a whole number from 3 to 10000 .*got 2.5/);
    await expect(attempt).rejects.toThrow(/size must be a whole number from 16 to 1024 .*got 8/);
    await expect(attempt).rejects.toThrow(/seed must be a whole number from 0 to 4294967295/);
    await expect(
      generateSynthFaces({ outDir: '  ', preset: 'pose', identities: 2, perIdentity: 3, size: 16 }),
    ).rejects.toThrow(/outDir is empty/);
    await expect(
      generateSynthFaces({ outDir, preset: 'pose', identities: 100_000, perIdentity: 100, size: 16 }),
    ).rejects.toThrow(/at most 2,000,000 images/);
    expect(existsSync(outDir)).toBe(false);
  });

  it('refuses a folder that is not empty and accepts an empty one', async () => {
    const full = join(root, 'not-empty');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    await expect(
      generateSynthFaces({ outDir: full, preset: 'pose', identities: 2, perIdentity: 3, size: 16 }),
    ).rejects.toThrow(/is not empty; choose a new folder/);
    expect(readdirSync(full)).toEqual(['keep.txt']);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const manifest = await generateSynthFaces({
      outDir: empty,
      preset: 'pose',
      identities: 2,
      perIdentity: 3,
      size: 16,
    });
    expect(manifest.images).toBe(6);
    expect(readdirSync(empty)).toContain('synthfaces.json');
  });

  it('leaves nothing behind when cancelled part-way', async () => {
    const parent = join(root, 'cancel');
    mkdirSync(parent);
    const controller = new AbortController();
    const outDir = join(parent, 'faces');
    let seen = 0;
    const attempt = generateSynthFaces({
      outDir,
      preset: 'pose',
      identities: 20,
      perIdentity: 10,
      size: 32,
      signal: controller.signal,
      onProgress: (done) => {
        seen = done;
        if (done === 15) controller.abort();
      },
    });
    await expect(attempt).rejects.toMatchObject({
      name: 'AbortError',
      message: expect.stringMatching(/cancelled; nothing was written to/),
    });
    expect(seen).toBeGreaterThanOrEqual(15);
    expect(seen).toBeLessThan(200);
    expect(readdirSync(parent)).toEqual([]);
  });
});
