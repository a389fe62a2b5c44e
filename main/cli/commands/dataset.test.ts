import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSynthFaces } from '../../../app/data/synth/index.js';
import { fixtureYaws, writeAttributeDataset } from '../../../app/data/test-fixtures.js';

// Runs the real `ddl-lab dataset` and `ddl-lab split` commands on real image folders.
const root = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;
let dataDir: string;
const identities = 8;

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/ddl-lab.js', ...args, '--data-dir', dataDir], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cli-dataset-'));
  dataDir = join(dir, 'data');
  const faces = join(dir, 'faces');
  const folder = await writeAttributeDataset(faces, { identities, size: 16 });
  // The SynthFaces layout: pairs.csv and split-rule.json beside the identity folders.
  const pairs = ['path1,path2,same,type'];
  for (let i = 0; i + 1 < folder.paths.length; i += 6)
    pairs.push(`${folder.paths[i + 2]},${folder.paths[i + 3]},1,easy-easy`);
  pairs.push(`${folder.paths[0]},no/such.bmp,1,easy-hard`);
  writeFileSync(join(faces, 'pairs.csv'), `${pairs.join('\n')}\n`);
  writeFileSync(
    join(faces, 'split-rule.json'),
    JSON.stringify({ any: [{ attribute: 'yaw', abs: true, op: '>=', value: 45 }] }),
  );
  writeFileSync(join(faces, 'id_000', 'broken.bmp'), 'BM not really');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ddl-lab dataset / split', () => {
  it('imports a folder with --json: counts match what was written, bad files listed, attributes/pairs/split-rule picked up', () => {
    const { code, stdout, stderr } = cli(
      'dataset',
      'import',
      join(dir, 'faces'),
      '--size',
      '16',
      '--name',
      'fixture',
      '--json',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ id: 1, name: 'fixture', images: identities * 6, identities, inputSize: 16 });
    expect(result.bad).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'id_000/broken.bmp', reason: 'truncated' }),
        expect.objectContaining({ source: 'pairs', line: identities + 2, reason: 'missing image' }),
      ]),
    );
    expect(result.attributes.columns.map((c: { name: string }) => c.name)).toEqual([
      'yaw',
      'resolution',
      'race',
      'quality',
    ]);
    expect(result.pairs).toMatchObject({ pairs: identities, skipped: 1 });
    const hardPerIdentity = fixtureYaws.filter((y) => Math.abs(y) >= 45).length;
    expect(result.split).toMatchObject({
      name: 'split-rule',
      hardImages: identities * hardPerIdentity,
      usableIdentities: identities,
    });
  });

  it('round-trips SynthFaces: what the generator wrote is what the import counts', async () => {
    const synth = join(dir, 'synth');
    const manifest = await generateSynthFaces({
      outDir: synth,
      preset: 'pose',
      identities: 5,
      perIdentity: 4,
      size: 32,
      seed: 3,
    });
    const { code, stdout, stderr } = cli('dataset', 'import', synth, '--size', '16', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    const pairs = Object.values(manifest.pairs).reduce((n, p) => n + p.genuine + p.impostor, 0);
    expect(result).toMatchObject({
      kind: 'synth',
      images: manifest.images,
      identities: manifest.identities,
      bad: [],
      singleImageIdentities: [],
      attributes: { matched: manifest.images, imagesWithoutRow: 0 },
      pairs: { pairs, skipped: 0 },
      split: {
        name: 'pose',
        easyImages: manifest.easy,
        hardImages: manifest.hard,
        usableIdentities: manifest.identitiesUsableForDdl,
      },
    });
    expect(result.attributes.columns.map((c: { name: string }) => c.name)).toEqual(
      manifest.attributeColumns.filter((c) => c !== 'path'),
    );
  });

  it('lists datasets as JSON', () => {
    const { code, stdout } = cli('dataset', 'list', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({
        id: 1,
        name: 'fixture',
        status: 'ready',
        imageCount: identities * 6,
        identityCount: identities,
        inputSizes: [16],
      }),
      expect.objectContaining({ id: 2, name: 'synth', kind: 'synth', status: 'ready' }),
    ]);
  });

  it('creates a split from a rule file and prints its summary; a bad rule exits 1 naming the problem', () => {
    const rule = join(dir, 'wide.json');
    writeFileSync(
      rule,
      JSON.stringify({
        hard: {
          any: [
            { attr: 'yaw', abs: true, op: '>=', value: 80 },
            { attr: 'resolution', op: '<=', value: 0.25 },
          ],
        },
      }),
    );
    const { code, stdout, stderr } = cli('split', 'create', 'fixture', '--rule', rule, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lowRes = Math.ceil(identities / 3);
    expect(JSON.parse(stdout)).toMatchObject({
      id: 3,
      name: 'wide',
      hardImages: 2 * identities + lowRes,
      easyImages: 4 * identities - lowRes,
      usableIdentities: identities,
    });

    const bad = cli('split', 'create', '1', '--rule', '{"hard": {"attr": "yaww", "op": ">", "value": 1}}');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /invalid rule:\n {2}rule\.hard\.conditions\[0\]\.attribute: dataset 1 has no attribute "yaww"/,
    );
  });

  it('exits non-zero with a clear message when nothing can be imported, or the folder does not exist', () => {
    const junk = join(dir, 'junk', 'someone');
    mkdirSync(junk, { recursive: true });
    writeFileSync(join(junk, 'a.jpg'), 'text');
    const empty = cli('dataset', 'import', join(dir, 'junk'), '--json');
    expect(empty.code).toBe(1);
    expect(JSON.parse(empty.stdout)).toMatchObject({
      images: 0,
      status: 'failed',
      bad: [expect.objectContaining({ path: 'someone/a.jpg', reason: 'not an image' })],
    });
    expect(empty.stderr).toMatch(/No image could be imported from .*junk/);
    const missing = cli('dataset', 'import', join(dir, 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Dataset folder not found: .*nowhere/);
  });
});
