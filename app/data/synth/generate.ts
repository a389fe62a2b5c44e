// generateSynthFaces: writes a SynthFaces dataset (ImageFolder + attributes.csv + pairs.csv +
// split-rule.json + synthfaces.json). Everything is built in a hidden sibling folder and renamed
// into place at the end, so a cancelled or failed run leaves no dataset that looks complete.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { once } from 'node:events';
import { Random } from '../../util/random.js';
import type { PairType } from '../../vocabulary/index.js';
import { attributeColumns, attributesHeader, attributesRow, imageAttributes } from './attributes.js';
import { type HardRule, isHard } from './hard-rule.js';
import { sampleIdentity } from './identity.js';
import { type SynthOptions, parseSynthOptions } from './options.js';
import { type IdentityImages, PAIRS_PER_IDENTITY, buildPairs, pairRow, pairTypes, pairsHeader } from './pairs.js';
import { type PresetName, type PresetParameters, getPreset, sampleNuisance } from './presets.js';
import { JPEG_QUALITY, type ImageNuisance, renderFaceJpeg } from './render-image.js';
import { mapPool } from './pool.js';
import { STREAM, mixSeed } from './seed.js';

export const MANIFEST_FILE = 'synthfaces.json';
export const ATTRIBUTES_FILE = 'attributes.csv';
export const PAIRS_FILE = 'pairs.csv';
export const SPLIT_RULE_FILE = 'split-rule.json';

export interface SynthManifest {
  format: 'synthfaces';
  version: 1;
  complete: true;
  preset: PresetName;
  seed: number;
  identities: number;
  perIdentity: number;
  size: number;
  images: number;
  easy: number;
  hard: number;
  /** Identities with at least 2 easy and 1 hard image (all of them, by construction). */
  identitiesUsableForDdl: number;
  pairs: Record<PairType, { genuine: number; impostor: number }>;
  pairsPerIdentity: number;
  hardRule: HardRule;
  parameters: PresetParameters;
  image: { format: 'jpeg'; quality: number; width: number; height: number };
  layout: { identityFolder: string; imageFile: string };
  attributeColumns: string[];
  files: { attributes: string; pairs: string; splitRule: string };
}

/** Thrown when the run was cancelled through its AbortSignal; nothing was left at outDir. */
export class SynthCancelledError extends Error {
  constructor(outDir: string) {
    super(`SynthFaces generation was cancelled; nothing was written to ${outDir}`);
    this.name = 'AbortError';
  }
}

export function identityName(k: number): string {
  return `id${String(k).padStart(5, '0')}`;
}

export function imageName(k: number, j: number, perIdentity: number): string {
  return `${identityName(k)}_${String(j).padStart(Math.max(3, String(perIdentity - 1).length), '0')}.jpg`;
}

/** Which of an identity's images are hard: a seeded choice of round(0.4 n) slots, at least 1, leaving 2 easy. */
export function hardSlots(seed: number, k: number, perIdentity: number, hardFraction: number): boolean[] {
  const count = Math.max(1, Math.min(perIdentity - 2, Math.round(perIdentity * hardFraction)));
  const order = new Random(mixSeed(seed, STREAM.hardSlots, k)).shuffle(
    Array.from({ length: perIdentity }, (_, j) => j),
  );
  const hard = new Array<boolean>(perIdentity).fill(false);
  for (const j of order.slice(0, count)) hard[j] = true;
  return hard;
}

/** The nuisance of image j of identity k: a pure function of (seed, preset, k, j, size). */
export function imageNuisance(
  seed: number,
  preset: PresetName,
  k: number,
  j: number,
  hard: boolean,
  size: number,
): ImageNuisance {
  return sampleNuisance(new Random(mixSeed(seed, STREAM.imageNuisance, k, j)), getPreset(preset), hard, size);
}

async function assertUsableOutDir(outDir: string): Promise<void> {
  let info;
  try {
    info = await stat(outDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new Error(`SynthFaces: cannot use ${outDir}: ${(error as Error).message}`);
  }
  if (!info.isDirectory())
    throw new Error(`SynthFaces: ${outDir} exists and is not a folder; choose a new folder for the dataset`);
  if ((await readdir(outDir)).length > 0)
    throw new Error(`SynthFaces: ${outDir} is not empty; choose a new folder or delete this one first`);
}

async function writeLines(file: string, header: string, rows: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  try {
    let pending = `${header}\n`;
    for (const row of rows) {
      pending += `${row}\n`;
      if (pending.length > 1 << 16) {
        if (!out.write(pending)) await once(out, 'drain');
        pending = '';
      }
    }
    const done = once(out, 'finish');
    out.end(pending);
    await done;
  } finally {
    out.destroy();
  }
}

/** Generates the dataset and returns its manifest (also written to outDir/synthfaces.json). */
export async function generateSynthFaces(options: SynthOptions): Promise<SynthManifest> {
  const o = parseSynthOptions(options);
  const outDir = resolve(o.outDir);
  const preset = getPreset(o.preset);
  const total = o.identities * o.perIdentity;
  if (o.signal?.aborted) throw new SynthCancelledError(outDir);
  await assertUsableOutDir(outDir);
  await mkdir(dirname(outDir), { recursive: true });
  const work = await mkdtemp(join(dirname(outDir), `.${basename(outDir)}.partial-`));
  try {
    // Plan: folders, hard slots, attribute rows. Images are re-derived from (seed, k, j) when rendered.
    const hardByImage = new Uint8Array(total);
    const groups: IdentityImages[] = [];
    const rows = function* () {
      for (let k = 0; k < o.identities; k++) {
        const slots = hardSlots(o.seed, k, o.perIdentity, preset.parameters.hardFraction);
        const group: IdentityImages = { easy: [], hard: [] };
        for (let j = 0; j < o.perIdentity; j++) {
          const path = `${identityName(k)}/${imageName(k, j, o.perIdentity)}`;
          const attributes = imageAttributes(imageNuisance(o.seed, o.preset, k, j, slots[j]!, o.size));
          const hard = isHard(preset.rule, attributes);
          if (hard !== slots[j])
            throw new Error(
              `SynthFaces: internal error, ${path} was drawn as ${slots[j] ? 'hard' : 'easy'} but the ${o.preset} rule says otherwise`,
            );
          hardByImage[k * o.perIdentity + j] = hard ? 1 : 0;
          (hard ? group.hard : group.easy).push(path);
          yield attributesRow(path, attributes, hard);
        }
        groups.push(group);
      }
    };
    await writeLines(join(work, 'attributes.csv'), attributesHeader, rows());
    for (let k = 0; k < o.identities; k++) await mkdir(join(work, identityName(k)));

    let done = 0;
    const concurrency = Math.max(4, Math.min(16, availableParallelism() * 4)); // sharp renders off the main thread: keep it fed
    await mapPool(total, concurrency, async (i) => {
      if (o.signal?.aborted) return;
      const k = Math.floor(i / o.perIdentity),
        j = i % o.perIdentity;
      const identity = sampleIdentity(new Random(mixSeed(o.seed, STREAM.identity, k)));
      const nuisance = imageNuisance(o.seed, o.preset, k, j, hardByImage[i] === 1, o.size);
      const jpeg = await renderFaceJpeg(identity, nuisance, o.size, mixSeed(o.seed, STREAM.imageNoise, k, j));
      await writeFile(join(work, identityName(k), imageName(k, j, o.perIdentity)), jpeg);
      done += 1;
      o.onProgress?.(done, total);
    });
    if (o.signal?.aborted) throw new SynthCancelledError(outDir);

    const pairs = buildPairs(groups, new Random(mixSeed(o.seed, STREAM.pairs)));
    await writeLines(join(work, PAIRS_FILE), pairsHeader, pairs.map(pairRow));
    const pairCounts = Object.fromEntries(
      pairTypes.map((type) => [
        type,
        {
          genuine: pairs.filter((p) => p.type === type && p.same).length,
          impostor: pairs.filter((p) => p.type === type && !p.same).length,
        },
      ]),
    ) as SynthManifest['pairs'];
    const hard = hardByImage.reduce((sum, h) => sum + h, 0);
    const manifest: SynthManifest = {
      format: 'synthfaces',
      version: 1,
      complete: true,
      preset: o.preset,
      seed: o.seed,
      identities: o.identities,
      perIdentity: o.perIdentity,
      size: o.size,
      images: total,
      easy: total - hard,
      hard,
      identitiesUsableForDdl: groups.filter((g) => g.easy.length >= 2 && g.hard.length >= 1).length,
      pairs: pairCounts,
      pairsPerIdentity: PAIRS_PER_IDENTITY,
      hardRule: preset.rule,
      parameters: preset.parameters,
      image: { format: 'jpeg', quality: JPEG_QUALITY, width: o.size, height: o.size },
      layout: { identityFolder: 'id<5 digits>', imageFile: 'id<5 digits>_<3 digits>.jpg' },
      attributeColumns: ['path', ...attributeColumns, 'hard'],
      files: { attributes: ATTRIBUTES_FILE, pairs: PAIRS_FILE, splitRule: SPLIT_RULE_FILE },
    };
    await writeFile(join(work, SPLIT_RULE_FILE), `${JSON.stringify(preset.rule, null, 2)}\n`);
    await writeFile(join(work, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    if (o.signal?.aborted) throw new SynthCancelledError(outDir);
    await assertUsableOutDir(outDir);
    await rmdir(outDir).catch(() => undefined); // an empty folder made by the caller: replace it
    await rename(work, outDir);
    return manifest;
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    if (o.signal?.aborted) throw new SynthCancelledError(outDir);
    throw error;
  }
}
