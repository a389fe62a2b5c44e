import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type LabDatabase } from '../store/db.js';
import { listImages, type ImageRecord } from '../store/images-repo.js';
import { listSplits } from '../store/splits-repo.js';
import { addTag, removeTag } from '../store/tags-repo.js';
import { evaluateSplit, evaluateSplitSides, HARD, loadSplit, saveSplit } from './evaluate-split.js';
import { importDataset } from './import-dataset.js';
import { parseSplitDefinition, SplitRuleError } from './split-rule.js';
import { fixtureYaws, writeAttributeDataset } from './test-fixtures.js';

function issuesOf(rule: unknown): string[] {
  try {
    parseSplitDefinition(rule);
    return [];
  } catch (error) {
    if (!(error instanceof SplitRuleError)) throw error;
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('split rules: parsing and validation', () => {
  const canonical = {
    hard: {
      combine: 'or',
      conditions: [
        { kind: 'attribute', attribute: 'yaw', op: '>=', value: 45, abs: true },
        { kind: 'attribute', attribute: 'resolution', op: '<=', value: 0.25 },
      ],
    },
  };

  it('reads the shorthand form into the canonical (LabApi contract) form', () => {
    const shorthand = {
      hard: {
        any: [
          { attr: 'yaw', abs: true, op: '>=', value: 45 },
          { measured: 'resolution', op: '<=', value: 0.25 },
        ],
      },
    };
    expect(parseSplitDefinition(shorthand)).toEqual(canonical);
    expect(parseSplitDefinition(canonical)).toEqual(canonical);
    // A bare group is the hard rule (SynthFaces writes its split-rule.json this way).
    expect(
      parseSplitDefinition({
        any: [
          { attribute: 'yaw', op: '>=', value: 45, abs: true },
          { attribute: 'resolution', op: '<=', value: 0.25 },
        ],
      }),
    ).toEqual(canonical);
  });

  it('accepts nesting, not, in, percentiles, tags and image lists', () => {
    const rule = parseSplitDefinition({
      hard: {
        all: [
          { not: { attr: 'race', op: 'in', value: ['a', 'b'] } },
          { any: [{ percentile: { score: 'hardness', above: 90 } }, { tag: 'blurry' }, { images: [3, '4'] }] },
        ],
      },
      easy: { attr: 'yaw', op: '<', value: 20, abs: true },
      manualTags: false,
    });
    expect(rule.hard.combine).toBe('and');
    expect(rule.easy).toEqual({
      combine: 'and',
      conditions: [{ kind: 'attribute', attribute: 'yaw', op: '<', value: 20, abs: true }],
    });
    expect(rule.manualTags).toBe(false);
  });

  it('explains every problem with its path', () => {
    expect(issuesOf({})).toEqual([expect.stringMatching(/^rule\.hard: say which images are hard/)]);
    expect(issuesOf({ hard: { attr: 'yaw', op: '=>', value: 45 }, colour: 'red' })).toEqual([
      'rule.colour: unknown field; a rule has "hard", optional "easy" and optional "manualTags"',
      'rule.hard.op: op must be one of < <= > >= == != in',
    ]);
    expect(issuesOf({ hard: { attr: 'yaw', op: '<', value: 'big' } })).toEqual(['rule.hard.value: "<" needs a number']);
    expect(issuesOf({ hard: { attr: 'race', op: 'in', value: 'a' } })).toEqual([
      'rule.hard.value: "in" needs a list of values, e.g. [0, 1]',
    ]);
    expect(issuesOf({ hard: { any: [] } })).toEqual(['rule.hard.any: must be a non-empty list of conditions']);
    expect(issuesOf({ hard: { percentile: { score: 'h', below: 10, above: 90 } } })).toEqual([
      'rule.hard: give exactly one of "below" or "above" (a percentage)',
    ]);
    expect(issuesOf({ hard: { combine: 'xor', conditions: [{ yaw: 3 }] } })).toEqual([
      'rule.hard.combine: must be "and" or "or"',
      expect.stringMatching(/^rule\.hard\.conditions\[0\]: expected \{"combine"/),
    ]);
    expect(() => parseSplitDefinition('hard')).toThrow(/a split rule is a JSON object/);
  });
});

describe('split rules on a dataset', () => {
  let dir: string;
  let db: LabDatabase;
  let datasetId: number;
  let images: ImageRecord[];
  const identities = 12;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddl-split-'));
    await writeAttributeDataset(join(dir, 'faces'), { identities });
    db = openDatabase(join(dir, 'data', 'lab.sqlite'));
    datasetId = (await importDataset({ db, root: join(dir, 'faces'), inputSize: 8 })).id;
    images = listImages(db, datasetId, 0, 1000);
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const poseRule = {
    hard: {
      any: [
        { attr: 'yaw', abs: true, op: '>=', value: 45 },
        { attr: 'resolution', op: '<=', value: 0.25 },
      ],
    },
  };

  it('counts easy and hard images and the identities usable for DDL', () => {
    const summary = evaluateSplit(db, datasetId, poseRule);
    // Per identity: 3 of 6 images have |yaw| >= 45; every third identity also has a low-resolution image 1.
    const lowRes = Math.ceil(identities / 3);
    expect(summary).toMatchObject({
      images: identities * 6,
      hardImages: identities * 3 + lowRes,
      easyImages: identities * 3 - lowRes,
      excludedImages: 0,
      identities,
      identitiesWithEasy: identities,
      identitiesWithHard: identities,
      identitiesWithTwoEasy: identities,
      usableIdentities: identities,
    });
    expect(summary.warnings).toContain(
      'Only 12 identities are usable for DDL (at least 2 easy and 1 hard image); a DDL batch of b needs at least b of them.',
    );
  });

  it('reports per-attribute easy/hard counts for file and measured attributes', () => {
    const summary = evaluateSplit(db, datasetId, poseRule);
    const yaw = summary.perAttribute.find((a) => a.attribute === 'yaw')!;
    expect(yaw).toMatchObject({ source: 'file', kind: 'numeric' });
    expect(yaw.bins!.reduce((n, b) => n + b.hard, 0)).toBe(summary.hardImages);
    expect(yaw.bins![0]).toMatchObject({ x0: -80, hard: identities }); // yaw -80: all hard
    const race = summary.perAttribute.find((a) => a.attribute === 'race')!;
    expect(race.categories!.map((c) => c.value).sort()).toEqual(['a', 'b', 'c']);
    const quality = summary.perAttribute.find((a) => a.attribute === 'quality')!;
    expect(quality.missing.easy + quality.missing.hard).toBe(identities); // image 0 of each identity has none
    expect(summary.perAttribute.filter((a) => a.source === 'measured').map((a) => a.attribute)).toEqual([
      'width',
      'height',
      'sharpness',
      'brightness',
      'contrast',
    ]);
  });

  it('lists the images nearest the boundary on both sides', () => {
    const summary = evaluateSplit(db, datasetId, { hard: { attr: 'yaw', abs: true, op: '>=', value: 45 } }, undefined);
    const yawOf = (imageId: number) =>
      fixtureYaws[Number(images.find((i) => i.id === imageId)!.path.match(/img_(\d+)/)![1])]!;
    expect(summary.boundary.hard.map((e) => yawOf(e.imageId))).toEqual(Array(8).fill(50)); // |50| is nearest 45 among hard
    expect(summary.boundary.easy.map((e) => yawOf(e.imageId))).toEqual(Array(8).fill(15)); // |15| nearest among easy
    expect(summary.boundary.hard[0]!.path).toMatch(/^id_\d{3}\/img_04\.bmp$/);
    expect(summary.boundary.hard[0]!.identity).toMatch(/^id_\d{3}$/);
    expect(summary.boundary.hard[0]!.margin).toBeLessThan(summary.boundary.easy[0]!.margin); // |50-45| < |15-45|
  });

  it('with an easy rule, images in neither side are excluded', () => {
    const summary = evaluateSplit(db, datasetId, {
      hard: { attr: 'yaw', abs: true, op: '>=', value: 60 },
      easy: { attr: 'yaw', abs: true, op: '<', value: 20 },
    });
    expect(summary).toMatchObject({
      hardImages: 2 * identities,
      easyImages: 3 * identities,
      excludedImages: identities,
    });
  });

  it('handles ==, !=, in, not on categorical and numeric attributes; missing values never match', () => {
    expect(evaluateSplit(db, datasetId, { hard: { attr: 'race', op: '==', value: 'a' } }).hardImages).toBe(4 * 6);
    expect(evaluateSplit(db, datasetId, { hard: { attr: 'race', op: 'in', value: ['a', 'b'] } }).hardImages).toBe(
      8 * 6,
    );
    expect(evaluateSplit(db, datasetId, { hard: { not: { attr: 'race', op: '!=', value: 'c' } } }).hardImages).toBe(
      4 * 6,
    );
    expect(evaluateSplit(db, datasetId, { hard: { attr: 'yaw', op: 'in', value: [0, 15] } }).hardImages).toBe(
      2 * identities,
    );
    expect(evaluateSplit(db, datasetId, { hard: { attr: 'quality', op: '!=', value: 'ok' } }).hardImages).toBe(0);
    expect(evaluateSplit(db, datasetId, { hard: { not: { attr: 'quality', op: '==', value: 'ok' } } }).hardImages).toBe(
      identities,
    );
  });

  it('rules on measured attributes (sharpness, brightness, width...)', () => {
    const sharpness = images.map((i) => i.sharpness).sort((a, b) => a - b);
    const median = sharpness[sharpness.length >> 1]!;
    const below = images.filter((i) => i.sharpness < median).length;
    expect(evaluateSplit(db, datasetId, { hard: { measured: 'sharpness', op: '<', value: median } }).hardImages).toBe(
      below,
    );
    expect(evaluateSplit(db, datasetId, { hard: { attr: 'width', op: '==', value: 8 } }).hardImages).toBe(
      images.length,
    );
  });

  it('checks names and types against the dataset, with the known names', () => {
    expect(() => evaluateSplit(db, datasetId, { hard: { attr: 'yaww', op: '>', value: 1 } })).toThrow(
      /rule\.hard\.conditions\[0\]\.attribute: dataset \d+ has no attribute "yaww"; it has yaw, resolution, race, quality, width, height, sharpness, brightness, contrast/,
    );
    expect(() => evaluateSplit(db, datasetId, { hard: { attr: 'race', op: '>', value: 1 } })).toThrow(
      /"race" is categorical .*compare it with ==, != or in/,
    );
    expect(() => evaluateSplit(db, datasetId, { hard: { attr: 'yaw', op: '==', value: 'left' } })).toThrow(
      /"yaw" is numeric; compare it with a number/,
    );
    expect(() => evaluateSplit(db, datasetId, { hard: { percentile: { score: 'hardness', below: 10 } } })).toThrow(
      /score "hardness" but no scores were given/,
    );
  });

  it("percentile rules on a per-image score map (e.g. a model's hardness)", () => {
    const hardness = new Map(images.map((image, n) => [image.id, n]));
    const top = evaluateSplit(db, datasetId, { hard: { percentile: { score: 'hardness', above: 90 } } }, { hardness });
    expect(top.hardImages).toBe(8); // 72 images scored 0..71: the 90th percentile is 63.9, so 64..71 are above it
    const asRecord = Object.fromEntries([...hardness].map(([id, s]) => [String(id), -s]));
    const low = evaluateSplitSides(
      db,
      datasetId,
      { hard: { percentile: { score: 'similarity', below: 10 } } },
      { similarity: asRecord },
    );
    expect(low.summary.hardImages).toBe(8);
    expect(Array.from(low.sides.slice(-8))).toEqual(Array(8).fill(HARD)); // the last ones have the lowest similarity
  });

  it('manual tags force a side (hard > easy, exclude drops), can be matched, and can be turned off', () => {
    const [a, b, c] = images;
    addTag(db, datasetId, [a!.id], 'hard');
    addTag(db, datasetId, [b!.id], 'exclude');
    addTag(db, datasetId, [c!.id, b!.id], 'blurry');
    const rule = { hard: { attr: 'yaw', abs: true, op: '>=', value: 1000 } }; // nothing by attributes
    expect(evaluateSplit(db, datasetId, rule)).toMatchObject({
      hardImages: 1,
      excludedImages: 1,
      forcedByTags: { hard: 1, exclude: 1, easy: 0 },
    });
    expect(evaluateSplit(db, datasetId, { ...rule, manualTags: false })).toMatchObject({
      hardImages: 0,
      excludedImages: 0,
    });
    expect(evaluateSplit(db, datasetId, { hard: { tag: 'blurry' }, manualTags: false }).hardImages).toBe(2);
    removeTag(db, datasetId, [a!.id], 'hard');
    removeTag(db, datasetId, [b!.id], 'exclude');
    removeTag(db, datasetId, [c!.id, b!.id], 'blurry');
    expect(evaluateSplit(db, datasetId, rule)).toMatchObject({ hardImages: 0, excludedImages: 0 });
  });

  it('saves the rule, the summary and the membership; names are unique per dataset', () => {
    const saved = saveSplit(db, datasetId, 'pose', poseRule);
    expect(saved.rule).toEqual(parseSplitDefinition(poseRule));
    expect(saved.summary.hardImages).toBe(evaluateSplit(db, datasetId, poseRule).hardImages);
    const loaded = loadSplit(db, datasetId, 'pose');
    expect(loaded.hard).toHaveLength(saved.summary.hardImages);
    expect(loaded.easy).toHaveLength(saved.summary.easyImages);
    expect(loadSplit(db, datasetId, saved.id).name).toBe('pose');
    expect(() => saveSplit(db, datasetId, 'pose', poseRule)).toThrow(/already has a split named "pose"/);
    expect(listSplits(db, datasetId).map((s) => s.name)).toEqual(['pose']);
    expect(() => loadSplit(db, datasetId, 'nope')).toThrow(/has no split "nope"/);
  });
});
