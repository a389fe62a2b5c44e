import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real `ddl-lab dataset import --faces`, `dataset images` and `split create` on a folder of
// ordinary photos, one sub-folder per person, with a photo that has no face.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
let dir: string;
let dataDir: string;

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/ddl-lab.js', ...args, '--data-dir', dataDir], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-cli-faces-'));
  dataDir = join(dir, 'data');
  for (const [person, photos] of [
    ['ann', [1, 3]],
    ['eve', [5, 6]],
  ] as const) {
    mkdirSync(join(dir, 'photos', person), { recursive: true });
    for (const k of photos) copyFileSync(join(demo, `sample${k}.jpg`), join(dir, 'photos', person, `${k}.jpg`));
  }
  await sharp({ create: { width: 320, height: 240, channels: 3, background: '#30a050' } })
    .jpeg()
    .toFile(join(dir, 'photos', 'eve', 'lawn.jpg'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ddl-lab dataset import --faces', () => {
  it('detects and aligns, reports faces {found, none, multiple}, lists images with attributes, and splits on |yaw|', () => {
    const imported = cli('dataset', 'import', join(dir, 'photos'), '--faces', 'detect', '--name', 'party', '--json');
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const result = JSON.parse(imported.stdout);
    expect(result).toMatchObject({ images: 4, identities: 2, faces: { found: 4, none: 1, multiple: 4 } });
    expect(result.bad).toEqual([
      expect.objectContaining({
        path: 'eve/lawn.jpg',
        reason: 'no face',
        detail: expect.stringMatching(/^no face found \(best score 0\.\d\d\)\.$/),
      }),
    ]);

    const listed = cli('dataset', 'images', 'party', '--json');
    expect(listed.code).toBe(0);
    const images = JSON.parse(listed.stdout) as Array<{
      id: number;
      path: string;
      identity: string;
      face: number | null;
      attributes: Record<string, number>;
    }>;
    expect(images.map((i) => [i.identity, i.path, i.face])).toEqual([
      ['ann', 'ann/1.jpg', 0],
      ['ann', 'ann/3.jpg', 0],
      ['eve', 'eve/5.jpg', 0],
      ['eve', 'eve/6.jpg', 0],
    ]);
    for (const image of images)
      for (const name of [
        'yaw',
        'pitch',
        'roll',
        'faceSize',
        'eyeDistance',
        'faceScore',
        'blur',
        'brightness',
        'contrast',
      ])
        expect(typeof image.attributes[name], `${image.path} ${name}`).toBe('number');

    // hard = |yaw| >= the median |yaw|: the counts follow the estimates.
    const yaws = images.map((i) => Math.abs(i.attributes.yaw!)).sort((a, b) => a - b);
    const threshold = (yaws[1]! + yaws[2]!) / 2;
    const rule = join(dir, 'turned.json');
    writeFileSync(rule, JSON.stringify({ hard: { any: [{ attr: 'yaw', abs: true, op: '>=', value: threshold }] } }));
    const split = cli('split', 'create', 'party', '--rule', rule, '--json');
    expect(split.stderr).toBe('');
    expect(JSON.parse(split.stdout)).toMatchObject({ hardImages: 2, easyImages: 2 });

    const plain = cli('dataset', 'images', 'party');
    expect(plain.stdout).toMatch(/ann\tann\/1\.jpg#face0\twidth=1920 height=1280 .*yaw=-?\d/);
  }, 180_000);

  it('refuses an unknown --faces mode before reading anything', () => {
    const bad = cli('dataset', 'import', join(dir, 'photos'), '--faces', 'sometimes');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--faces must be one of none, detect, detect-all, got "sometimes"/);
  });
});
